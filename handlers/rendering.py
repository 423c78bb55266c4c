"""How questions, menus and lists look in the chat. Texts come from locales/ or content files."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import tzinfo
from typing import Any, TypeVar

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
)
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram_i18n import I18nContext

from bot.html import Markup, escape, lines, plain
from domain import answering
from domain.answering import MISSING, Step
from domain.questionnaire import Question, QuestionType
from handlers.callbacks import Act, AnswerButton, Flow, OpenSurvey
from services.surveys import Status, SurveyStatus

SCALE_ROW = 6


async def drop_buttons(message: Message) -> None:
    """Take the buttons off a message that has been answered."""
    try:
        await message.edit_reply_markup(reply_markup=None)
    except TelegramBadRequest:
        pass  # already without buttons (a quick double press), or too old to edit


Item = TypeVar("Item")


def paged(items: Sequence[Item], page: int, size: int) -> tuple[Sequence[Item], int, int]:
    """A page of a long list: its items, its number and the number of pages (at least one).
    The number is clamped, so a stale or forged page shows one that exists."""
    pages = max(1, -(-len(items) // size))
    page = min(max(page, 0), pages - 1)
    return items[page * size:(page + 1) * size], page, pages


def page_turns(page: int, pages: int, data: Callable[[int], str]) -> list[InlineKeyboardButton]:
    """◀️ ▶️ to the pages next to `page` that exist; `data` is a page's callback data."""
    return [InlineKeyboardButton(text=label, callback_data=data(to))
            for label, to in (("◀️", page - 1), ("▶️", page + 1)) if 0 <= to < pages]


@contextmanager
def unless_unchanged() -> Iterator[None]:
    """An edit that would leave the message as it is (the choice already shown pressed
    again): Telegram refuses it as «not modified», and nothing needs doing."""
    try:
        yield
    except TelegramBadRequest as error:
        if "not modified" not in error.message:
            raise


def plain_text(i18n: I18nContext, key: str, **params: Any) -> str:
    """A locale message for what is not HTML: a chart, a spreadsheet cell."""
    return plain(i18n.get(key, **params))


def main_menu(i18n: I18nContext) -> ReplyKeyboardMarkup:
    def make() -> ReplyKeyboardMarkup:
        return ReplyKeyboardMarkup(
            keyboard=[
                [KeyboardButton(text=i18n.get("menu-surveys")),
                 KeyboardButton(text=i18n.get("menu-profile"))],
                [KeyboardButton(text=i18n.get("menu-language")),
                 KeyboardButton(text=i18n.get("menu-help"))],
            ],
            resize_keyboard=True,
            is_persistent=True,
        )

    return i18n.core.remembered(("main_menu", i18n.locale), make)


def yes_no(i18n: I18nContext) -> tuple[str, str]:
    return i18n.get("answer-yes"), i18n.get("answer-no")


def describe(i18n: I18nContext, question: Question, value: Any) -> str:
    return answering.describe(question, value, i18n.locale, yes_no(i18n))


def question_hint(i18n: I18nContext, question: Question) -> str:
    if question.hint is not None:
        return question.hint.get(i18n.locale)
    kind = question.type
    if kind is QuestionType.MULTIPLE:
        if question.ranked:
            return i18n.get("hint-ranked", max=question.max_choices or len(question.options))
        return i18n.get("hint-multiple")
    if kind is QuestionType.NUMBER:
        return i18n.get("hint-number", min=question.min, max=question.max)
    if kind is QuestionType.TEXT:
        return i18n.get("hint-text", limit=question.max_length)
    if kind is QuestionType.SCALE and (question.low_label or question.high_label):
        labels = [label.get(i18n.locale) for label in (question.low_label, question.high_label)
                  if label is not None]
        return lines(labels, "; ")
    return i18n.get("hint-buttons")


def step_text(i18n: I18nContext, step: Step, draft: list[str] | None = None) -> Markup:
    question = step.question
    title = step.title.get(i18n.locale) if step.title is not None else i18n.get("profile-title")
    shown = [
        Markup("<b>{}</b>").format(title),
        i18n.get("question-progress", number=step.number, total=step.total),
        "",
        question.text.get(i18n.locale),
        Markup("<i>{}</i>").format(question_hint(i18n, question)),
    ]
    if step.current is not MISSING and draft is None:
        shown.append(i18n.get("current-answer", answer=describe(i18n, question, step.current)))
    return lines(shown)


def step_keyboard(
    i18n: I18nContext, step: Step, flow: Flow, ref: int, draft: list[str] | None = None
) -> InlineKeyboardMarkup:
    question = step.question

    def button(text: str, act: Act, pick: int = -1) -> InlineKeyboardButton:
        data = AnswerButton(flow=flow, ref=ref, question=question.id, act=act, pick=pick)
        return InlineKeyboardButton(text=text, callback_data=data.pack())

    current = None if step.current is MISSING else step.current
    # Rows built directly: every press renders a keyboard, and the builder copies it deeply.
    rows: list[list[InlineKeyboardButton]] = []
    kind = question.type
    if kind is QuestionType.SINGLE:
        for index, option in enumerate(question.options):
            mark = "✅ " if option.value == current else ""
            rows.append([button(mark + escape(option.text.get(i18n.locale)), Act.PICK, index)])
    elif kind is QuestionType.MULTIPLE:
        chosen = draft if draft is not None else (current or [])
        for index, option in enumerate(question.options):
            if option.value in chosen:
                mark = f"{chosen.index(option.value) + 1}. " if question.ranked else "☑️ "
            else:
                mark = "▫️ "
            rows.append([button(mark + escape(option.text.get(i18n.locale)), Act.TOGGLE, index)])
        rows.append([button(i18n.get("button-done"), Act.DONE)])
    elif kind is QuestionType.SCALE:
        points = answering.scale_points(question)
        for start in range(0, len(points), SCALE_ROW):
            rows.append([
                button(f"·{p}·" if p == current else str(p), Act.PICK, p)
                for p in points[start:start + SCALE_ROW]
            ])
    elif kind is QuestionType.YES_NO:
        yes, no = yes_no(i18n)
        rows.append([
            button(("✅ " if current is True else "") + yes, Act.PICK, 1),
            button(("✅ " if current is False else "") + no, Act.PICK, 0),
        ])
    footer = []
    if step.can_go_back:
        footer.append(button(i18n.get("button-back"), Act.BACK))
    if question.optional:
        footer.append(button(i18n.get("button-skip"), Act.SKIP))
    if footer:
        rows.append(footer)
    return InlineKeyboardMarkup(inline_keyboard=rows)


def survey_list(
    i18n: I18nContext, statuses: list[SurveyStatus], timezone: tzinfo
) -> tuple[Markup, InlineKeyboardMarkup]:
    if not statuses:
        return i18n.get("surveys-none"), InlineKeyboardMarkup(inline_keyboard=[])
    shown = [Markup("<b>{}</b>").format(i18n.get("surveys-title")), ""]
    builder = InlineKeyboardBuilder()
    for item in statuses:
        title = item.questionnaire.title.get(i18n.locale)
        if item.status is Status.NOT_STARTED:
            shown.append(i18n.get("survey-not-started", title=title))
            label, again = i18n.get("button-survey-start", title=title), False
        elif item.status is Status.IN_PROGRESS:
            shown.append(i18n.get("survey-in-progress", title=title, answered=item.answered))
            label, again = i18n.get("button-survey-continue", title=title), False
        else:
            date = item.completed_at.astimezone(timezone).strftime("%d.%m.%Y")
            shown.append(i18n.get("survey-done", title=title, date=date))
            label, again = i18n.get("button-survey-again", title=title), True
        builder.row(InlineKeyboardButton(
            text=label, callback_data=OpenSurvey(code=item.questionnaire.id, again=again).pack()
        ))
    return lines(shown), builder.as_markup()
