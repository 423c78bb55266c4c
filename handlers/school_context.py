"""Which school a curator's command is about: the only one they curate, or a choice."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram.types import InlineKeyboardButton, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.html import escape
from domain.calendar import Calendar
from handlers.callbacks import CuratorAction, PickSchool
from models import School, User
from services import access
from services.clock import Clock
from services.profiles import Profiles
from services.surveys import Surveys

MAX_SCHOOL_BUTTONS = 50


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
    builder = InlineKeyboardBuilder()
    for school in curated[:MAX_SCHOOL_BUTTONS]:
        builder.row(InlineKeyboardButton(
            text=escape(school.name),
            callback_data=PickSchool(action=action, school_id=school.id).pack()))
    await message.answer(i18n.get("curator-pick-school"), reply_markup=builder.as_markup())
    return None
