"""/mydata in words: what the bot keeps about a person, in their language, as they gave it
(choices by their labels, colleagues by name, times in their time zone). The JSON beside it
(services.privacy.personal_data) is the machine-readable copy of the same."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from aiogram_i18n import I18nContext
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.html import Markup, plain
from domain import answering
from domain.messengers import messenger_id, messenger_of
from domain.questionnaire import Question
from handlers.rendering import describe
from models import Meeting, Response, User
from services import access, meetings, pairs, privacy
from services.people import full_name, profile_values, roles_of
from services.profiles import Profiles
from services.surveys import Surveys

INDENT = "    "


class Page:
    """Plain-text lines: the locale's texts are HTML (escaped), the file is not."""

    def __init__(self, i18n: I18nContext) -> None:
        self.i18n = i18n
        self.lines: list[str] = []

    def heading(self, key: str) -> None:
        if self.lines:
            self.lines.append("")
        self.lines.append(plain(self.i18n.get(key)).upper())

    def field(self, label: str, value: Any, depth: int = 1) -> None:
        self.lines.append(f"{INDENT * depth}{_shown(label)}: {_shown(value)}")

    def line(self, text: str, depth: int = 1) -> None:
        self.lines.append(f"{INDENT * depth}{_shown(text)}")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _shown(value: Any) -> str:
    """The locale's texts are HTML; what people typed and the content files' words are not."""
    if value is None or value == "":
        return "—"
    return plain(value) if isinstance(value, Markup) else str(value)


async def readable_data(session: AsyncSession, i18n: I18nContext, user: User,
                        surveys: Surveys, profiles: Profiles, settings: Settings) -> str:
    def when(moment: datetime | None) -> str | None:
        return meetings.local_text(moment, user, settings.timezone) if moment else None

    page = Page(i18n)
    page.heading("mydata-title")
    page.field(i18n.get("mydata-messenger-id",
                        messenger=i18n.get(f"messenger-{messenger_of(user.telegram_id)}")),
               messenger_id(user.telegram_id))
    page.field(i18n.get("mydata-username"), f"@{user.username}" if user.username else None)
    page.field(i18n.get("mydata-language"), i18n.get(f"language-name-{user.locale}")
               if user.locale else None)
    page.field(i18n.get("mydata-time-zone"), user.timezone or settings.timezone)
    page.field(i18n.get("mydata-registered"), when(user.created_at))
    page.field(i18n.get("mydata-consent"), when(user.consent_at))

    page.heading("profile-title")
    held = roles_of(user)
    answers = profiles.form.answers_from(profile_values(user))
    for question in profiles.form.for_roles(held):
        page.field(i18n.get(f"profile-field-{question.id}"),
                   describe(i18n, question, answers.get(question.id)))
    for role in user.roles:
        state = i18n.get("mydata-role-confirmed", date=when(role.confirmed_at)) \
            if role.confirmed_at else i18n.get("mydata-role-unconfirmed")
        page.field(i18n.get("mydata-role"), f"{i18n.get(f'role-{role.role}')} ({state})"
                   if role.is_active else i18n.get("mydata-role-inactive",
                                                   role=i18n.get(f"role-{role.role}")))

    page.heading("mydata-rights")
    curated, coordinated = await privacy.appointments(session, user)
    if not curated and not coordinated:
        page.line(i18n.get("mydata-none"))
    for school in curated:
        page.line(i18n.get("mydata-curates-school", name=school.name, since=when(school.since)))
    for place in coordinated:
        page.line(i18n.get("mydata-coordinates-municipality", name=place.name,
                           since=when(place.since)))

    page.heading("mydata-questionnaires")
    responses = list(await session.scalars(
        select(Response).where(Response.user_id == user.id).order_by(Response.id)))
    if not responses:
        page.line(i18n.get("mydata-none"))
    for response in responses:
        await _response(page, session, i18n, response, surveys, when)

    page.heading("mydata-pairs")
    own_pairs = await pairs.pairs_of(session, user)
    if not own_pairs:
        page.line(i18n.get("mydata-none"))
    for pair in own_pairs:
        # Partners by their side only: their data is theirs to ask for.
        page.line(i18n.get("mydata-pair", form=i18n.get(f"form-{pair.form}"),
                           status=i18n.get(f"pair-status-{pair.status}"),
                           side=i18n.get(f"mydata-side-{pairs.member(pair, user.id).side}"),
                           since=_day(pair.started_on) or "—",
                           until=_day(pair.planned_end) or "—"))
        # The mentor's notes are the mentor's (and the curators'), not the mentee's data.
        notes = await access.may_read_notes(session, user, pair, ())
        for meeting in await session.scalars(select(Meeting).where(
                Meeting.pair_id == pair.id).order_by(Meeting.starts_at)):
            page.line(i18n.get("mydata-meeting", when=when(meeting.starts_at),
                               topic=meeting.topic, place=meeting.place,
                               status=i18n.get(f"meeting-status-{meeting.status}")), depth=2)
            if notes and meeting.mentor_note:
                page.field(i18n.get("mydata-mentor-note"), meeting.mentor_note, depth=3)
        for item in pair.plan:
            page.line(i18n.get("mydata-plan-item",
                               goal=item.goal or (i18n.get(f"area-{item.area}")
                                                  if item.area else "—"),
                               due=_day(item.due_on) or "—"), depth=2)
    return page.text()


async def _response(page: Page, session: AsyncSession, i18n: I18nContext, response: Response,
                    surveys: Surveys, when) -> None:
    definition = await surveys.definition(session, response.questionnaire_code,
                                          response.questionnaire_version)
    state = i18n.get("mydata-completed", date=when(response.completed_at)) \
        if response.completed_at else i18n.get("mydata-in-progress")
    page.line(Markup("{} ({})").format(definition.title.get(i18n.locale), state))
    questions = {q.id: q for q in definition.questions}
    answers = sorted(response.answers, key=lambda a: a.id)
    chosen = set().union(*(answering.chosen_people(questions[a.question_id], a.value)
                           for a in answers if a.question_id in questions))
    names = {i: full_name(u) for i, u in (await pairs.users_by_id(session, chosen)).items()}
    for answer in answers:
        question = questions.get(answer.question_id)
        if question is None:
            continue
        shown = i18n.get("mydata-skipped") if answer.skipped else \
            _answer(i18n, question, answer.value, names)
        page.field(question.text.get(i18n.locale), shown, depth=2)


def _answer(i18n: I18nContext, question: Question, value: Any, names: dict[int, str]) -> str:
    if question.options_from is not None and value is not None:
        chosen = value if isinstance(value, list) else [value]
        return ", ".join(answering.choice_text(question, v, i18n.locale, names, "—")
                         for v in chosen) or "—"
    return describe(i18n, question, value)


def _day(value: date | None) -> str | None:
    return value.strftime("%d.%m.%Y") if value is not None else None
