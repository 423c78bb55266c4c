"""/remind (those who have not completed a questionnaire) and /broadcast (an announcement to a
role, form or school, after a preview). Both become campaigns in the outbox; the curator gets
a count at once and a delivery report when the last message is sent."""

from __future__ import annotations

import secrets
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.html import Markup, escape, lines
from bot.outbox_worker import OutboxWorker
from bot.unit_of_work import commit
from domain.roles import Form, Role
from handlers.callbacks import (
    BroadcastField,
    BroadcastGo,
    BroadcastPick,
    BroadcastStep,
    CampaignStatus,
    OpenSurvey,
    SummaryButton,
    SummaryView,
)
from handlers.outgoing import button
from handlers.rendering import drop_buttons
from handlers.states import BroadcastStates
from handlers.summary_scope import (
    FORM_CODES,
    FORMS,
    Refused,
    SummaryScope,
    resolve,
    resolve_typed,
)
from handlers.typed_text import ask_text
from models import Campaign, User
from services import access, outreach
from services.clock import Clock
from services.errors import StaleAction
from services.surveys import Surveys

MAX_TEXT = 3000
MAX_SCHOOL_BUTTONS = 20


def _where(i18n: I18nContext, view: SummaryScope) -> Markup:
    return lines(view.names(i18n), " · ")


def _queued(i18n: I18nContext, campaign: Campaign, skipped: int) -> tuple[str, object]:
    text = i18n.get("outreach-queued", count=campaign.recipients)
    if skipped:
        text += "\n" + i18n.get("outreach-skipped", count=skipped)
    markup = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
        text=i18n.get("outreach-button-status"),
        callback_data=CampaignStatus(campaign=campaign.id).pack())]])
    return text, markup


# --- /remind -------------------------------------------------------------------------------

async def on_remind(message: Message, command: CommandObject, i18n: I18nContext,
                    session: AsyncSession, user: User, settings: Settings, clock: Clock,
                    surveys: Surveys) -> None:
    code = (command.args or "").strip()
    view = await resolve_typed(message, i18n, session, user, settings, clock.now(),
                               SummaryButton(view=SummaryView.REMIND, code=code[:32]))
    if view is None:
        return
    if not code or surveys.catalog.get(code) is None:
        builder = InlineKeyboardBuilder()
        for questionnaire in surveys.catalog:
            builder.row(InlineKeyboardButton(
                text=questionnaire.title.get(i18n.locale)[:60],
                callback_data=view.go(SummaryView.REMIND, code=questionnaire.id)))
        key = "outreach-remind-pick" if not code else "outreach-remind-unknown"
        await message.answer(i18n.get(key), reply_markup=builder.as_markup())
        return
    await _confirm_reminder(message, i18n, session, view, surveys)


async def _confirm_reminder(message: Message, i18n: I18nContext, session: AsyncSession,
                            view: SummaryScope, surveys: Surveys) -> None:
    questionnaire = surveys.catalog.get(view.button.code)
    if questionnaire is None:
        raise Refused("error-stale")
    recipients = await outreach.laggard_recipients(
        session, view.scope, questionnaire.id, [r.value for r in questionnaire.audience.roles])
    title = questionnaire.title.get(i18n.locale)
    if not recipients:
        await message.answer(i18n.get("outreach-remind-nobody", title=title))
        return
    await message.answer(
        i18n.get("outreach-remind-confirm", title=title, count=len(recipients),
                 where=_where(i18n, view)),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
            text=i18n.get("outreach-button-remind", count=len(recipients)),
            callback_data=view.go(SummaryView.REMIND_SEND))]]))


async def on_remind_button(query: CallbackQuery, callback_data: SummaryButton, i18n: I18nContext,
                           session: AsyncSession, user: User, settings: Settings,
                           clock: Clock, surveys: Surveys, outbox: OutboxWorker) -> None:
    if not isinstance(query.message, Message):
        raise StaleAction
    try:
        view = await resolve(session, user, settings, clock.now(), callback_data)
        if callback_data.view is SummaryView.REMIND:
            await _confirm_reminder(query.message, i18n, session, view, surveys)
            return
        questionnaire = surveys.catalog.get(callback_data.code)
        if questionnaire is None:
            raise Refused("error-stale")
    except Refused as refusal:
        await query.answer(i18n.get(refusal.key), show_alert=True)
        return
    recipients = await outreach.laggard_recipients(
        session, view.scope, questionnaire.id, [r.value for r in questionnaire.audience.roles])
    today = clock.now().astimezone(ZoneInfo(settings.timezone)).date()
    try:
        campaign, skipped = await outreach.launch(
            session, kind=outreach.REMIND, creator_id=user.id, recipients=recipients,
            text_key="outreach-remind", params={"title": questionnaire.title.model_dump()},
            buttons=[[button("button-survey-start",
                             OpenSurvey(code=questionnaire.id, again=True).pack(),
                             title=questionnaire.title.model_dump())]],
            now=clock.now(), dedupe=f"{questionnaire.id}:{today.isoformat()}",
            # The button pressed, under the message it was pressed on: tapped twice it is
            # one press; a new /remind shows a new message and is a new one.
            press=f"{query.message.message_id}:{callback_data.pack()}",
            audience_spec={"schools": [s.id for s in view.schools], "form": view.scope.form,
                           "questionnaire": questionnaire.id})
    except outreach.AlreadyLaunched as launched:
        campaign_id = launched.campaign.id
        await session.rollback()  # the insert that found the campaign there wrote nothing
        await _already(query, i18n, session, await session.get(Campaign, campaign_id))
        return
    await commit()
    await drop_buttons(query.message)
    text, markup = _queued(i18n, campaign, skipped)
    await query.message.answer(text, reply_markup=markup)
    outbox.kick()


async def _already(query: CallbackQuery, i18n: I18nContext, session: AsyncSession,
                   campaign: Campaign) -> None:
    """The same «send» pressed again: what the first press started, not a second one."""
    counts = outreach.kept_tally(campaign) or await outreach.tally(session, campaign.id)
    await query.answer(i18n.get("outreach-already", total=counts.total,
                                delivered=counts.delivered, waiting=counts.waiting),
                       show_alert=True)
    if isinstance(query.message, Message):
        await drop_buttons(query.message)


async def on_status(query: CallbackQuery, callback_data: CampaignStatus, i18n: I18nContext,
                    session: AsyncSession, user: User) -> None:
    campaign = await session.get(Campaign, callback_data.campaign)
    if campaign is None or campaign.created_by != user.id:
        raise StaleAction
    counts = outreach.kept_tally(campaign) or await outreach.tally(session, campaign.id)
    await query.answer(i18n.get("outreach-status", total=counts.total,
                                delivered=counts.delivered, unreachable=counts.unreachable,
                                failed=counts.failed, waiting=counts.waiting), show_alert=True)


# --- /broadcast ----------------------------------------------------------------------------

async def _audience(session: AsyncSession, user: User, settings: Settings, clock: Clock,
                    data: dict) -> SummaryScope:
    """The scope the announcement goes to; refuses a school or form the curator may not use."""
    return await resolve(session, user, settings, clock.now(), SummaryButton(
        view=SummaryView.SUMMARY, school=int(data.get("school") or 0), form=data.get("form", "")))


async def _show_audience(message: Message, i18n: I18nContext, session: AsyncSession,
                         user: User, settings: Settings, view: SummaryScope, data: dict,
                         edit: bool) -> None:
    role = data.get("role") or None
    count = await outreach.audience_size(session, view.scope, role)
    text = i18n.get("broadcast-audience", where=_where(i18n, view), count=count,
                    role=i18n.get(f"role-{role}") if role else i18n.get("broadcast-all-roles"))
    builder = InlineKeyboardBuilder()

    def pick(field: BroadcastField, value: str, label: str, current: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(text=("✓ " if value == current else "") + label,
                                    callback_data=BroadcastPick(field=field, value=value).pack())

    roles = [("", i18n.get("broadcast-all-roles"))] + [
        (r.value, i18n.get(f"role-{r.value}")) for r in Role]
    buttons = [pick(BroadcastField.ROLE, value, label, data.get("role", ""))
               for value, label in roles]
    builder.row(buttons[0])
    builder.row(*buttons[1:3])
    builder.row(*buttons[3:])
    forms = [("", i18n.get("desk-all-forms"))] + [
        (FORM_CODES[f], i18n.get(f"form-{f.value}")) for f in Form]
    buttons = [pick(BroadcastField.FORM, value, label, data.get("form", ""))
               for value, label in forms]
    builder.row(*buttons[:2])
    builder.row(*buttons[2:])
    curated = await access.curated_schools(session, user, settings.curator_ids)
    if len(curated) > 1:
        chosen = str(data.get("school") or "")
        builder.row(pick(BroadcastField.SCHOOL, "", i18n.get(
            "desk-all-schools", count=len(curated)), chosen))
        for school in curated[:MAX_SCHOOL_BUTTONS]:
            builder.row(pick(BroadcastField.SCHOOL, str(school.id), escape(school.name[:60]),
                             chosen))
    builder.row(InlineKeyboardButton(text=i18n.get("broadcast-button-write"),
                                     callback_data=BroadcastGo(step=BroadcastStep.WRITE).pack()))
    if edit:
        try:
            await message.edit_text(text, reply_markup=builder.as_markup())
        except TelegramBadRequest:
            pass  # the same choice pressed again
    else:
        await message.answer(text, reply_markup=builder.as_markup())


async def on_broadcast(message: Message, state: FSMContext, i18n: I18nContext,
                       session: AsyncSession, user: User, settings: Settings,
                       clock: Clock) -> None:
    data = {"school": 0, "form": "", "role": ""}
    try:
        view = await _audience(session, user, settings, clock, data)
    except Refused as refusal:
        await message.answer(i18n.get(refusal.key))
        return
    await state.set_state(BroadcastStates.audience)
    await state.set_data(data)
    await commit()
    await _show_audience(message, i18n, session, user, settings, view, data, edit=False)


async def on_pick(query: CallbackQuery, callback_data: BroadcastPick, state: FSMContext,
                  i18n: I18nContext, session: AsyncSession, user: User, settings: Settings,
                  clock: Clock) -> None:
    data = await state.get_data()
    value = callback_data.value
    valid = {BroadcastField.ROLE: value in {"", *(r.value for r in Role)},
             BroadcastField.FORM: value in {"", *FORMS},
             BroadcastField.SCHOOL: value == "" or value.isdigit()}[callback_data.field]
    if not valid or not isinstance(query.message, Message):
        raise StaleAction
    key = {BroadcastField.ROLE: "role", BroadcastField.FORM: "form",
           BroadcastField.SCHOOL: "school"}[callback_data.field]
    data[key] = int(value or 0) if key == "school" else value
    try:
        view = await _audience(session, user, settings, clock, data)
    except Refused as refusal:
        await query.answer(i18n.get(refusal.key), show_alert=True)
        return
    await state.set_data(data)
    await commit()
    await _show_audience(query.message, i18n, session, user, settings, view, data, edit=True)


async def on_write(query: CallbackQuery, state: FSMContext, i18n: I18nContext) -> None:
    await state.set_state(BroadcastStates.text)
    await commit()
    await query.message.answer(i18n.get("broadcast-ask-text", limit=MAX_TEXT))


async def on_text(message: Message, text: str, state: FSMContext, i18n: I18nContext,
                  session: AsyncSession, user: User, settings: Settings, clock: Clock) -> None:
    data = await state.get_data()
    try:
        view = await _audience(session, user, settings, clock, data)
    except Refused as refusal:
        await state.clear()
        await commit()
        await message.answer(i18n.get(refusal.key))
        return
    # Kept as typed: the announcement is escaped when it is rendered, for each recipient.
    data.update(text=text, token=secrets.token_hex(6))
    await state.set_data(data)
    await state.set_state(BroadcastStates.confirm)
    role = data.get("role") or None
    count = await outreach.audience_size(session, view.scope, role)
    await commit()
    await message.answer(i18n.get("broadcast-preview", count=count, where=_where(i18n, view)))
    await message.answer(
        i18n.get("outreach-broadcast", text=data["text"]),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[
            [InlineKeyboardButton(text=i18n.get("broadcast-button-send", count=count),
                                  callback_data=BroadcastGo(step=BroadcastStep.SEND).pack())],
            [InlineKeyboardButton(text=i18n.get("broadcast-button-rewrite"),
                                  callback_data=BroadcastGo(step=BroadcastStep.WRITE).pack()),
             InlineKeyboardButton(text=i18n.get("broadcast-button-cancel"),
                                  callback_data=BroadcastGo(step=BroadcastStep.CANCEL).pack())]]))


async def on_send(query: CallbackQuery, state: FSMContext, i18n: I18nContext,
                  session: AsyncSession, user: User, settings: Settings, clock: Clock,
                  outbox: OutboxWorker) -> None:
    data = await state.get_data()
    try:
        view = await _audience(session, user, settings, clock, data)
    except Refused as refusal:
        await query.answer(i18n.get(refusal.key), show_alert=True)
        return
    role = data.get("role") or None
    try:
        campaign, skipped = await outreach.launch(
            session, kind=outreach.BROADCAST, creator_id=user.id,
            recipients=await outreach.audience(session, view.scope, role),
            text_key="outreach-broadcast", params={"text": data["text"]}, buttons=None,
            now=clock.now(), dedupe=data["token"], press=data["token"], text=data["text"],
            audience_spec={"schools": [s.id for s in view.schools], "form": view.scope.form,
                           "role": role})
    except outreach.AlreadyLaunched as launched:
        await state.clear()
        await commit()
        await _already(query, i18n, session, launched.campaign)
        return
    await state.clear()
    await commit()
    if isinstance(query.message, Message):
        await drop_buttons(query.message)
        text, markup = _queued(i18n, campaign, skipped)
        await query.message.answer(text, reply_markup=markup)
    outbox.kick()


async def on_cancel(query: CallbackQuery, state: FSMContext, i18n: I18nContext) -> None:
    await state.clear()
    await commit()
    if isinstance(query.message, Message):
        await drop_buttons(query.message)
        await query.message.answer(i18n.get("broadcast-cancelled"))


async def on_stale_step(query: CallbackQuery, i18n: I18nContext) -> None:
    await query.answer(i18n.get("error-stale"), show_alert=True)


def router() -> Router:
    reach = Router(name="outreach")
    reach.message.register(on_remind, Command("remind"))
    reach.message.register(on_broadcast, Command("broadcast"))
    reach.callback_query.register(on_remind_button, SummaryButton.filter(
        F.view.in_({SummaryView.REMIND, SummaryView.REMIND_SEND})))
    reach.callback_query.register(on_status, CampaignStatus.filter())
    reach.callback_query.register(on_pick, BroadcastPick.filter(),
                                  StateFilter(BroadcastStates.audience))
    reach.callback_query.register(on_write, BroadcastGo.filter(F.step == BroadcastStep.WRITE),
                                  StateFilter(BroadcastStates.audience, BroadcastStates.confirm))
    reach.callback_query.register(on_send, BroadcastGo.filter(F.step == BroadcastStep.SEND),
                                  StateFilter(BroadcastStates.confirm))
    reach.callback_query.register(on_cancel, BroadcastGo.filter(F.step == BroadcastStep.CANCEL),
                                  StateFilter(BroadcastStates.confirm))
    # A broadcast button from an earlier conversation (already sent or cancelled).
    reach.callback_query.register(on_stale_step, BroadcastPick.filter())
    reach.callback_query.register(on_stale_step, BroadcastGo.filter())
    ask_text(reach, on_text, BroadcastStates.text, MAX_TEXT, hint="broadcast-text-hint",
             too_long="broadcast-too-long")
    return reach
