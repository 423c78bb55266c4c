"""What a curator's summary button or command covers, checked against what the curator may see:
a school they curate, a municipality's schools (a regional curator's choice, or a coordinator's
own), or all of theirs; a form and a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from aiogram.types import CallbackQuery, Message
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.html import escape
from domain.calendar import school_year_of
from domain.roles import Form
from handlers.callbacks import SummaryButton, SummaryView
from models import Municipality, School, User
from services import access, schools
from services.reports import Scope

FORMS = {"tt": Form.TEACHER_TEACHER, "pp": Form.PUPIL_PUPIL, "tp": Form.TEACHER_PUPIL}
FORM_CODES = {form: code for code, form in FORMS.items()}
# The days a period may cover: any school year of the programme, and only days whose every
# moment exists in every time zone and in the database (0001-01-01 in Moscow is year 0 in UTC).
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


class Refused(Exception):
    """The curator may not see this (or the button was forged); `key` is the answer."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class SummaryScope:
    button: SummaryButton
    schools: list[School]
    everything: bool
    first_day: date
    last_day: date
    scope: Scope
    municipality: Municipality | None = None

    @property
    def school(self) -> School | None:
        """The one school in view, if only one."""
        return self.schools[0] if len(self.schools) == 1 else None

    def names(self, i18n: I18nContext) -> tuple[str, str]:
        """What the view covers, in words: the place and the form (HTML)."""
        if self.municipality is not None and not self.button.school:
            place = i18n.get("desk-municipality", name=self.municipality.name,
                             count=len(self.schools))
        elif self.school is not None:
            place = escape(self.school.name)
        else:
            place = i18n.get("desk-all-schools", count=len(self.schools))
        form = (i18n.get(f"form-{self.scope.form}") if self.scope.form
                else i18n.get("desk-all-forms"))
        return place, form

    def go(self, view: SummaryView, **changes) -> str:
        return self.button.model_copy(update={"view": view, **changes}).pack()


def parse_period(args: str | None) -> tuple[int, int] | None:
    """`2026-09-01 2026-12-31` as day ordinals; (0, 0) without arguments; None if malformed."""
    if not args or not args.strip():
        return 0, 0
    parts = args.split()
    try:
        start, end = (date.fromisoformat(part) for part in parts)
    except ValueError:
        return None
    if len(parts) != 2 or not EARLIEST <= start <= end <= LATEST:
        return None
    return start.toordinal(), end.toordinal()


def period_days(since: int, until: int, today: date) -> tuple[date, date]:
    """Day ordinals as dates, or the school year so far for (0, 0); Refused if impossible."""
    if not since and not until:
        return date(school_year_of(today), 8, 1), today
    try:
        first, last = date.fromordinal(since), date.fromordinal(until)
    except (ValueError, OverflowError):
        raise Refused("error-stale") from None
    if not EARLIEST <= first <= last <= LATEST:
        raise Refused("error-stale")
    return first, last


async def resolve(session: AsyncSession, user: User, settings: Settings, now: datetime,
                  button: SummaryButton) -> SummaryScope:
    curated = await access.curated_schools(session, user, settings.curator_ids)
    if not curated:
        curator = await access.is_curator(session, user, settings.curator_ids)
        raise Refused("curator-no-schools" if curator else "curator-only")
    municipality = None
    if button.municipality:
        municipality = await session.get(Municipality, button.municipality)
        if municipality is None or not await access.may_see_municipality(
                session, user, municipality.id, settings.curator_ids):
            raise Refused("error-stale")
        curated = [school for school in curated if school.municipality_id == municipality.id]
    if button.school:
        chosen = [school for school in curated if school.id == button.school]
        if not chosen:
            raise Refused("error-stale")
    else:
        chosen = curated
    if button.form and button.form not in FORMS:
        raise Refused("error-stale")
    zone = ZoneInfo(settings.timezone)
    first, last = period_days(button.since, button.until, now.astimezone(zone).date())
    everything = not button.school and not button.municipality and \
        schools.is_root_curator(user, settings.curator_ids)
    scope = days_scope(first, last, zone,
                       school_ids=None if everything else tuple(school.id for school in chosen),
                       form=FORMS[button.form].value if button.form else None)
    return SummaryScope(button, chosen, everything, first, last, scope, municipality)


async def resolve_pressed(query: CallbackQuery, i18n: I18nContext, session: AsyncSession,
                          user: User, settings: Settings, now: datetime,
                          button: SummaryButton) -> tuple[SummaryScope, Message] | None:
    """As resolve, for a button under a message: the view and the message, or None after
    answering a refusal (or a press without its message) as an alert."""
    try:
        if not isinstance(query.message, Message):
            raise Refused("error-stale")
        return await resolve(session, user, settings, now, button), query.message
    except Refused as refusal:
        await query.answer(i18n.get(refusal.key), show_alert=True)
        return None


async def resolve_typed(message: Message, i18n: I18nContext, session: AsyncSession, user: User,
                        settings: Settings, now: datetime,
                        button: SummaryButton) -> SummaryScope | None:
    """As resolve, for a typed command: a refusal is answered here, and None returned."""
    try:
        return await resolve(session, user, settings, now, button)
    except Refused as refusal:
        await message.answer(i18n.get(refusal.key))
        return None


def days_scope(first: date, last: date, zone: ZoneInfo, *,
               school_ids: tuple[int, ...] | None = None, form: str | None = None) -> Scope:
    """Whole local days, first to last inclusive."""
    return Scope(school_ids=school_ids, form=form,
                 since=datetime.combine(first, time.min, tzinfo=zone),
                 until=datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone))
