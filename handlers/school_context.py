"""Which school a curator's command is about: the only one they curate, or a choice."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.html import escape
from domain.calendar import Calendar
from handlers.callbacks import CuratorAction, PickSchool, SchoolPage
from handlers.rendering import page_turns, paged
from models import School, User
from services import access
from services.clock import Clock
from services.profiles import Profiles
from services.surveys import Surveys

# Schools on one page of a choice: a region has hundreds, a municipality can have more than
# fit one keyboard.
SCHOOLS_PER_PAGE = 40


@dataclass(frozen=True)
class SchoolViewTools:
    """What a curator's school view uses besides the school: app-wide objects from handler data."""

    profiles: Profiles
    calendars: dict[str, Calendar]
    settings: Settings
    clock: Clock
    surveys: Surveys
    args: str | None = None


async def with_school(message: Message, i18n: I18nContext, session: AsyncSession, user: User,
                      settings: Settings, action: CuratorAction) -> School | None:
    """The school the command is about, or None after refusing or offering a choice."""
    curated = await access.curated_schools(session, user, settings.curator_ids)
    if not curated:
        curator = await access.is_curator(session, user, settings.curator_ids)
        await message.answer(i18n.get("curator-no-schools" if curator else "curator-only"))
        return None
    if len(curated) == 1:
        return curated[0]
    text, keyboard = school_picker(i18n, curated, action, 0)
    await message.answer(text, reply_markup=keyboard)
    return None


def school_picker(i18n: I18nContext, curated: list[School], action: CuratorAction,
                  page: int) -> tuple[str, InlineKeyboardMarkup]:
    """A page of the schools to choose from, with ◀️ ▶️ between pages (the page is clamped, so
    a stale or forged one shows a page that exists)."""
    on_page, page, pages = paged(curated, page, SCHOOLS_PER_PAGE)
    builder = InlineKeyboardBuilder()
    for school in on_page:
        builder.row(InlineKeyboardButton(
            text=escape(school.name),
            callback_data=PickSchool(action=action, school_id=school.id).pack()))
    turns = page_turns(page, pages, lambda to: SchoolPage(action=action, page=to).pack())
    if turns:
        builder.row(*turns)
    text = (i18n.get("curator-pick-school") if pages == 1 else
            i18n.get("curator-pick-school-page", page=page + 1, pages=pages))
    return text, builder.as_markup()
