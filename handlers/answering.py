"""Answering questions, for questionnaires and the profile alike: buttons, typed input, «Назад».

The database decides which question is current; a button or message that refers to another one is
stale and gets a hint and the current question again.
"""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands import sync_curator_menu
from bot.config import Settings
from bot.unit_of_work import commit
from domain import answering
from domain.answering import AnswerError, Step
from domain.profile import SKIPPED
from handlers.callbacks import Act, AnswerButton, Flow
from handlers.rendering import drop_buttons, main_menu, step_keyboard, step_text
from handlers.screens import show_profile, show_surveys
from handlers.states import Answering
from models import User
from services import access
from services.errors import StaleAction
from services.profiles import Profiles
from services.surveys import Surveys


class SurveyFlow:
    kind = Flow.SURVEY

    def __init__(self, surveys: Surveys, session: AsyncSession, user: User, ref: int) -> None:
        self.surveys, self.session, self.user, self.ref = surveys, session, user, ref
        self.response = None

    async def current(self, question_id: str | None = None) -> Step:
        self.response, step = await self.surveys.current(self.session, self.user, self.ref,
                                                         question_id)
        return step

    async def answer(self, step: Step, value: Any) -> Step | None:
        return await self.surveys.answer(self.session, self.response, step.question, value)

    async def skip(self, step: Step) -> Step | None:
        return await self.surveys.skip(self.session, self.response, step.question)

    async def back(self, step: Step) -> Step | None:
        return await self.surveys.back(self.session, self.response, step.question)

    def memory(self) -> dict[str, Any]:
        return {"flow": self.kind, "ref": self.ref}


class ProfileFlow:
    kind = Flow.PROFILE
    ref = 0

    def __init__(self, profiles: Profiles, session: AsyncSession, user: User,
                 cursor: str | None, only: str | None, given: list[str] | None = None) -> None:
        self.profiles, self.session, self.user = profiles, session, user
        self.cursor, self.only = cursor, only
        # Answered before this pass began (services.profiles.Profiles): not asked, not counted.
        self.given = given or []

    @classmethod
    def starting(cls, profiles: Profiles, session: AsyncSession, user: User) -> ProfileFlow:
        """A pass through the form from where the person's profile stands now."""
        return cls(profiles, session, user, None, None, profiles.answered(user))

    def step(self) -> Step | None:
        return self.profiles.step(self.user, self.cursor, self.only, self.given)

    async def current(self, question_id: str | None = None) -> Step:
        step = self.step()
        if step is None or (question_id is not None and step.question.id != question_id):
            raise StaleAction("the profile has moved on")
        return step

    async def answer(self, step: Step, value: Any) -> Step | None:
        await self.profiles.answer(self.session, self.user, step.question, value)
        self.cursor = None
        return None if self.only else self.step()

    async def skip(self, step: Step) -> Step | None:
        if not step.question.optional:
            raise AnswerError("not-optional")
        # Stored as SKIPPED, not None: the question is not asked again (/profile changes it).
        await self.profiles.answer(self.session, self.user, step.question, SKIPPED)
        self.cursor = None
        return None if self.only else self.step()

    async def back(self, step: Step) -> Step | None:
        self.cursor = self.profiles.previous(self.user, step.question.id, self.given)
        return self.step()

    def memory(self) -> dict[str, Any]:
        return {"flow": self.kind, "ref": 0, "cursor": self.cursor, "only": self.only,
                "given": self.given}


def open_flow(flow: Flow, ref: int, memory: dict[str, Any], session: AsyncSession, user: User,
              surveys: Surveys, profiles: Profiles) -> SurveyFlow | ProfileFlow:
    if flow is Flow.SURVEY:
        return SurveyFlow(surveys, session, user, ref)
    same_flow = memory.get("flow") == Flow.PROFILE
    return ProfileFlow(profiles, session, user,
                       memory.get("cursor") if same_flow else None,
                       memory.get("only") if same_flow else None,
                       memory.get("given") if same_flow else None)


class AskedQuestion:
    """A question whose state is written and whose message is not sent yet: the update commits
    in between (bot/unit_of_work.py)."""

    def __init__(self, message: Message, state: FSMContext, memory: dict[str, Any], text: str,
                 keyboard: Any, edit: bool, expected: int, same_question: bool) -> None:
        self.message, self.state, self.memory = message, state, memory
        self.text, self.keyboard, self.edit = text, keyboard, edit
        self.expected, self.same_question = expected, same_question

    async def show(self) -> None:
        """Send (or edit in) the question. A new message is expected to be the chat's next;
        in the rare case something came in between, the state is corrected after sending (a
        second, small commit of bookkeeping)."""
        message, shown = self.message, None
        if self.edit:
            try:
                shown = await message.edit_text(self.text, reply_markup=self.keyboard)
            except TelegramBadRequest as error:
                if "not modified" in error.message:
                    # It shows this question already; a copy would read as the question asked
                    # again, and the answer typed twice would go under the next one.
                    shown = message
                # else too old to edit: a fresh message is as good
        if not isinstance(shown, Message):
            shown = await message.answer(self.text, reply_markup=self.keyboard)
        if not self.same_question and shown.message_id != self.expected:
            self.memory["shown"]["since"] = shown.message_id
            await self.state.set_data(self.memory)
            await commit()


async def ask(message: Message, state: FSMContext, i18n: I18nContext, flow, step: Step,
              *, draft: list[str] | None = None, edit: bool = False,
              before: dict[str, Any] | None = None, sent_before: int = 0,
              again: bool = False) -> AskedQuestion:
    """Remember in FSM storage which flow the current question belongs to and from which
    message on the person has seen it (an edit's id is known; a new message is expected to be
    the next in the chat, after the `sent_before` replies that go first); the caller commits,
    then shows it. `before`: the FSM data, if already read. `again`: the question the person
    was shown last, shown again (after a mistake, a toggle): seen since it was first shown.

    The question itself is not remembered: the database knows which is current. So a press
    answered by editing the same message leaves the state as it was, and costs no write."""
    memory = flow.memory()
    if draft is not None:
        memory["draft"] = {"question": step.question.id, "chosen": draft}
    if before is None:
        before = await state.get_data()
    earlier = (before.get("shown") or {}).get("since")
    same_question = again and isinstance(earlier, int) and \
        (before.get("flow"), before.get("ref")) == (flow.kind, flow.ref)
    expected = message.message_id if edit else message.message_id + 1 + sent_before
    memory["shown"] = {"since": earlier if same_question else expected}
    await state.set_state(Answering.question)
    await state.set_data(memory)
    return AskedQuestion(message, state, memory, step_text(i18n, step, draft),
                         step_keyboard(i18n, step, flow.kind, flow.ref, draft), edit, expected,
                         same_question)


async def present(message: Message, state: FSMContext, i18n: I18nContext, flow, step: Step,
                  *, draft: list[str] | None = None, edit: bool = False,
                  before: dict[str, Any] | None = None, again: bool = False) -> None:
    """Ask, commit the update, show the question."""
    question = await ask(message, state, i18n, flow, step, draft=draft, edit=edit, before=before,
                         again=again)
    await commit()
    await question.show()


def typed_before_shown(message: Message, memory: dict[str, Any]) -> bool:
    """Whether the text was sent before the current question reached the person: Telegram
    numbers a chat's messages, both sides', in the order they arrive. Such a text answered
    an earlier question (or the same one again), so it is not this question's answer."""
    since = (memory.get("shown") or {}).get("since")
    return isinstance(since, int) and message.message_id < since


async def finish(message: Message, state: FSMContext, i18n: I18nContext, flow,
                 session: AsyncSession, user: User, surveys: Surveys, profiles: Profiles,
                 settings: Settings, pressed: CallbackQuery | None = None) -> None:
    """The flow is over: its state goes in the update's commit, then the replies (after a button
    press, the buttons taken off the question first)."""
    await state.clear()
    await session.commit()
    if pressed is not None:
        await drop_buttons(message)
    if flow.kind is Flow.SURVEY:
        response = flow.response
        questionnaire = await surveys.definition(session, response.questionnaire_code,
                                                 response.questionnaire_version)
        await message.answer(i18n.get("survey-completed",
                                      title=questionnaire.title.get(i18n.locale)),
                             reply_markup=main_menu(i18n))
        await show_surveys(message, i18n, session, user, surveys, settings)
    elif flow.only:
        await message.answer(i18n.get("profile-updated"), reply_markup=main_menu(i18n))
        await show_profile(message, i18n, user, profiles)
        if flow.only == "school":  # a school curator's rights stay with the school
            await sync_curator_menu(message.bot, i18n.core, user, settings.default_locale,
                                    await access.is_curator(session, user, settings.curator_ids))
    else:
        await message.answer(i18n.get("profile-ready"), reply_markup=main_menu(i18n))
        await show_surveys(message, i18n, session, user, surveys, settings)


def draft_of(memory: dict[str, Any], step: Step) -> list[str]:
    draft = memory.get("draft") or {}
    if draft.get("question") == step.question.id:
        return list(draft.get("chosen") or [])
    return list(step.current) if isinstance(step.current, list) else []


async def on_answer_button(
    query: CallbackQuery, callback_data: AnswerButton, state: FSMContext, i18n: I18nContext,
    session: AsyncSession, user: User, surveys: Surveys, profiles: Profiles,
    settings: Settings,
) -> None:
    if not isinstance(query.message, Message):  # too old for Telegram to show
        await query.answer(i18n.get("stale-button"), show_alert=True)
        return
    memory = await state.get_data()
    flow = open_flow(callback_data.flow, callback_data.ref, memory, session, user, surveys,
                     profiles)
    try:
        step = await flow.current(callback_data.question)
    except StaleAction:
        await query.answer(i18n.get("stale-button"), show_alert=True)
        await resend_current(query.message, state, i18n, flow, memory)
        return
    try:
        if callback_data.act is Act.TOGGLE:
            chosen = answering.toggle(step.question, draft_of(memory, step), callback_data.pick)
            await present(query.message, state, i18n, flow, step, draft=chosen, edit=True,
                          before=memory, again=True)
            return
        if callback_data.act is Act.DONE:
            value = answering.finish_selection(step.question, draft_of(memory, step))
            following = await flow.answer(step, value)
        elif callback_data.act is Act.PICK:
            following = await flow.answer(step, answering.choice_answer(step.question,
                                                                     callback_data.pick))
        elif callback_data.act is Act.SKIP:
            following = await flow.skip(step)
        else:
            following = await flow.back(step)
    except AnswerError as error:
        await query.answer(i18n.get(f"error-{error.code}", **error.params), show_alert=True)
        return
    except StaleAction:
        await query.answer(i18n.get("stale-button"), show_alert=True)
        return
    if following is None:
        await finish(query.message, state, i18n, flow, session, user, surveys, profiles, settings,
                     pressed=query)
    else:
        await present(query.message, state, i18n, flow, following, edit=True, before=memory,
                      again=following.question.id == step.question.id)


async def resend_current(message: Message, state: FSMContext, i18n: I18nContext, flow,
                         before: dict[str, Any]) -> None:
    """The pressed message becomes the current question. Not a new copy: copies of questions
    pressed twice would arrive after the answers (one message a second per chat) and a typed
    answer would then be filed under whichever question is current."""
    try:
        step = await flow.current()
    except StaleAction:
        return  # nothing of this person's is open under that button
    await present(message, state, i18n, flow, step, edit=True, before=before)


async def on_typed_answer(
    message: Message, state: FSMContext, i18n: I18nContext, session: AsyncSession,
    user: User, surveys: Surveys, profiles: Profiles, settings: Settings,
) -> None:
    memory = await state.get_data()
    try:
        flow = open_flow(Flow(memory.get("flow")), int(memory.get("ref", 0)), memory, session,
                         user, surveys, profiles)
        step = await flow.current()
    except (StaleAction, ValueError):
        await state.clear()
        await commit()
        await message.answer(i18n.get("flow-gone"), reply_markup=main_menu(i18n))
        return
    if typed_before_shown(message, memory):
        await message.answer(i18n.get("answer-before-question"))
        await present(message, state, i18n, flow, step, before=memory, again=True)
        return
    try:
        if message.text is None:
            raise AnswerError("not-text")
        if message.text.startswith("/"):
            raise AnswerError("unknown-command")
        value = answering.parse_text(step.question, message.text)
    except AnswerError as error:
        await message.answer(i18n.get(f"error-{error.code}", **error.params))
        await present(message, state, i18n, flow, step, before=memory, again=True)
        return
    try:
        following = await flow.answer(step, value)
    except AnswerError as error:  # an answer the person's situation does not allow
        await message.answer(i18n.get(f"error-{error.code}", **error.params))
        await present(message, state, i18n, flow, step, before=memory, again=True)
        return
    if following is None:
        await finish(message, state, i18n, flow, session, user, surveys, profiles, settings)
    else:
        await present(message, state, i18n, flow, following, before=memory,
                      again=following.question.id == step.question.id)


def buttons_router() -> Router:
    """First of all routers: a questionnaire's buttons are the presses that come most often,
    and their prefix is their own, so nothing before them could have taken them."""
    buttons = Router(name="answer-buttons")
    buttons.callback_query.register(on_answer_button, AnswerButton.filter())
    return buttons


def typed_router() -> Router:
    """Late: a typed answer is any text while a question is open, so commands and the menu's
    buttons go first."""
    typed = Router(name="typed-answers")
    typed.message.register(on_typed_answer, Answering.question)
    return typed
