"""Screens several routers show: the main menu, the list of questionnaires, the profile card."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.html import Markup, lines
from domain.roles import Role
from handlers.callbacks import (
    AddRole,
    CuratorAction,
    CuratorShortcut,
    EditProfile,
    PickRole,
    RegionAct,
    RegionButton,
    SummaryButton,
    SummaryView,
)
from handlers.rendering import describe, main_menu, survey_list
from models import User
from services import access
from services.people import profile_values, roles_of
from services.profiles import Profiles
from services.surveys import Surveys


async def show_main_menu(message: Message, i18n: I18nContext, key: str = "menu-shown") -> None:
    await message.answer(i18n.get(key), reply_markup=main_menu(i18n))


async def show_surveys(
    message: Message, i18n: I18nContext, session: AsyncSession, user: User, surveys: Surveys,
    settings: Settings,
) -> None:
    statuses = await surveys.statuses(session, user)
    if not statuses and await access.is_curator(session, user, settings.curator_ids):
        await show_curator_start(message, i18n,
                                 regional=access.may_manage_region(user, settings.curator_ids))
        return
    text, keyboard = survey_list(i18n, statuses, ZoneInfo(settings.timezone))
    await message.answer(text, reply_markup=keyboard)


CURATOR_SHORTCUTS = (CuratorAction.INVITES, CuratorAction.CONFIRM, CuratorAction.MATCH,
                     CuratorAction.CALENDAR)


async def show_curator_start(message: Message, i18n: I18nContext, *, regional: bool) -> None:
    """A curator with no questionnaire of their own is shown what they can do, as buttons; a
    regional curator also the region's structure (/municipalities)."""
    builder = InlineKeyboardBuilder()
    builder.row(InlineKeyboardButton(
        text=i18n.get("button-curator-summary"),
        callback_data=SummaryButton(view=SummaryView.SUMMARY).pack()))
    for action in CURATOR_SHORTCUTS:
        builder.row(InlineKeyboardButton(
            text=i18n.get(f"button-curator-{action.value}"),
            callback_data=CuratorShortcut(action=action).pack()))
    if regional:
        builder.row(InlineKeyboardButton(
            text=i18n.get("button-curator-municipalities"),
            callback_data=RegionButton(act=RegionAct.LIST).pack()))
    await message.answer(i18n.get("curator-start"), reply_markup=builder.as_markup())


def role_keyboard(i18n: I18nContext, held: list[Role]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for role in Role:
        if role not in held:
            builder.row(InlineKeyboardButton(
                text=i18n.get(f"role-{role.value}"), callback_data=PickRole(role=role).pack()
            ))
    return builder.as_markup()


async def show_profile(message: Message, i18n: I18nContext, user: User, profiles: Profiles) -> None:
    values = profile_values(user)
    held = roles_of(user)
    card = [Markup("<b>{}</b>").format(i18n.get("profile-title"))]
    role_names = lines((i18n.get(f"role-{r.value}") for r in held), ", ") or "—"
    card.append(i18n.get("profile-roles", roles=role_names))
    builder = InlineKeyboardBuilder()
    answers = profiles.form.answers_from(values)
    for question in profiles.form.for_roles(held):
        shown = describe(i18n, question, answers.get(question.id))
        label = i18n.get(f"profile-field-{question.id}")
        card.append(Markup("{}: {}").format(label, shown))
        builder.row(InlineKeyboardButton(
            text=i18n.get("button-edit", field=label),
            callback_data=EditProfile(question=question.id).pack(),
        ))
    if len(held) < len(Role):
        builder.row(InlineKeyboardButton(text=i18n.get("button-add-role"),
                                         callback_data=AddRole().pack()))
    await message.answer(lines(card), reply_markup=builder.as_markup())
