"""Curator commands: /invites (school invite links), /curators, /confirm (people who came
without an invite); /match and /pairs are shown by handlers.pairs."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels import start_link
from bot.commands import show_curator_menu
from bot.config import Settings
from bot.html import Markup, lines
from bot.outbox_worker import OutboxWorker
from domain.calendar import Calendar
from domain.roles import Role
from handlers.access_filters import CuratedSchool
from handlers.calendar_choice import show_calendar
from handlers.callbacks import (
    ConfirmMember,
    CuratorAction,
    CuratorShortcut,
    GrantCurator,
    NewInvite,
    PickSchool,
    RevokeCurator,
    SchoolPage,
)
from handlers.matching import show_suggestions
from handlers.outgoing import full_name, owe
from handlers.pairs import show_school_pairs
from handlers.pupil_pairs import offer_buttons
from handlers.rendering import unless_unchanged
from handlers.school_context import SchoolViewTools, school_picker, with_school
from handlers.withdrawal import Withdrawal, withdraw
from models import School, User
from services import access, invites, schools
from services.clock import Clock
from services.errors import StaleAction
from services.profiles import Profiles
from services.surveys import Surveys


async def show_invite_roles(message: Message, i18n: I18nContext, session: AsyncSession,
                            school: School, tools: SchoolViewTools | None = None) -> None:
    builder = InlineKeyboardBuilder()
    for role in Role:
        builder.row(InlineKeyboardButton(
            text=i18n.get(f"role-{role.value}"),
            callback_data=NewInvite(school_id=school.id, role=role).pack()))
    await message.answer(i18n.get("invite-pick-role", school=school.name),
                         reply_markup=builder.as_markup())


async def show_curators(message: Message, i18n: I18nContext, session: AsyncSession,
                        school: School, tools: SchoolViewTools | None = None) -> None:
    current = await schools.curators_of(session, school.id)
    current_ids = {user_id for user_id, _ in current}
    names = lines(Markup("• {}").format(name or "—") for _, name in current) or "—"
    builder = InlineKeyboardBuilder()
    for user_id, name in current:
        builder.row(InlineKeyboardButton(
            text=i18n.get("button-revoke-curator", name=name or "—"),
            callback_data=RevokeCurator(school_id=school.id, user_id=user_id).pack()))
    for role, name in await schools.members(session, school.id, confirmed=True):
        if role.user_id in current_ids or not Role(role.role).is_teacher or not name:
            continue
        current_ids.add(role.user_id)
        builder.row(InlineKeyboardButton(
            text=i18n.get("button-make-curator", name=name),
            callback_data=GrantCurator(school_id=school.id, user_id=role.user_id).pack()))
    await message.answer(i18n.get("curators-list", school=school.name, names=names),
                         reply_markup=builder.as_markup())


async def show_unconfirmed(message: Message, i18n: I18nContext, session: AsyncSession,
                           school: School, tools: SchoolViewTools | None = None) -> None:
    waiting = await schools.members(session, school.id, confirmed=False)
    if not waiting:
        await message.answer(i18n.get("confirm-none", school=school.name))
        return
    builder = InlineKeyboardBuilder()
    for role, name in waiting[:50]:
        builder.row(InlineKeyboardButton(
            text=i18n.get("button-confirm-member", name=name or "—",
                          role=i18n.get(f"role-{role.role}")),
            callback_data=ConfirmMember(role_id=role.id).pack()))
    await message.answer(i18n.get("confirm-list", school=school.name,
                                  count=len(waiting)), reply_markup=builder.as_markup())


VIEWS = {CuratorAction.INVITES: show_invite_roles, CuratorAction.CURATORS: show_curators,
         CuratorAction.CONFIRM: show_unconfirmed, CuratorAction.MATCH: show_suggestions,
         CuratorAction.PAIRS: show_school_pairs, CuratorAction.CALENDAR: show_calendar}
ACTIONS = tuple(action.value for action in VIEWS)


async def _run(action: CuratorAction, message: Message, i18n: I18nContext,
               session: AsyncSession, school: School, tools: SchoolViewTools) -> None:
    await VIEWS[action](message, i18n, session, school, tools)


async def _about_a_school(action: CuratorAction, message: Message, i18n: I18nContext,
                          session: AsyncSession, user: User, tools: SchoolViewTools) -> None:
    """The command's view of the curator's school, or the choice of school first."""
    school = await with_school(message, i18n, session, user, tools.settings, action)
    if school is not None:
        await _run(action, message, i18n, session, school, tools)


def _command(action: CuratorAction):
    async def handler(message: Message, command: CommandObject, i18n: I18nContext,
                      session: AsyncSession, user: User, settings: Settings, profiles: Profiles,
                      calendars: dict[str, Calendar], clock: Clock, surveys: Surveys) -> None:
        await _about_a_school(action, message, i18n, session, user, SchoolViewTools(
            profiles, calendars, settings, clock, surveys, command.args))

    handler.__name__ = f"on_{action.value}"
    return handler


async def on_shortcut(query: CallbackQuery, callback_data: CuratorShortcut, i18n: I18nContext,
                      session: AsyncSession, user: User, settings: Settings, profiles: Profiles,
                      calendars: dict[str, Calendar], clock: Clock, surveys: Surveys) -> None:
    if not isinstance(query.message, Message):
        raise StaleAction
    await _about_a_school(callback_data.action, query.message, i18n, session, user,
                          SchoolViewTools(profiles, calendars, settings, clock, surveys))


async def on_school_picked(query: CallbackQuery, callback_data: PickSchool, i18n: I18nContext,
                           session: AsyncSession, school: School, settings: Settings,
                           profiles: Profiles, calendars: dict[str, Calendar],
                           clock: Clock, surveys: Surveys) -> None:
    if not isinstance(query.message, Message):
        raise StaleAction
    await _run(callback_data.action, query.message, i18n, session, school,
               SchoolViewTools(profiles, calendars, settings, clock, surveys))


async def on_school_page(query: CallbackQuery, callback_data: SchoolPage, i18n: I18nContext,
                         session: AsyncSession, user: User, settings: Settings) -> None:
    curated = await access.curated_schools(session, user, settings.curator_ids)
    if len(curated) < 2 or not isinstance(query.message, Message):
        raise StaleAction
    text, keyboard = school_picker(i18n, curated, callback_data.action, callback_data.page)
    with unless_unchanged():
        await query.message.edit_text(text, reply_markup=keyboard)


async def on_new_invite(query: CallbackQuery, callback_data: NewInvite, bot: Bot,
                        i18n: I18nContext, session: AsyncSession, user: User, school: School,
                        clock: Clock) -> None:
    if callback_data.role not in set(Role) or not isinstance(query.message, Message):
        raise StaleAction
    invite = await invites.create(
        session, kind=invites.InviteKind.SCHOOL, school_id=school.id,
        role=Role(callback_data.role), created_by=user.id, now=clock.now())
    await session.commit()
    link = await start_link(bot, query.message.chat.id, invites.payload_for(invite))
    await query.message.answer(i18n.get(
        "invite-created", school=school.name,
        role=i18n.get(f"role-{callback_data.role}"),
        link=link,
        code=invites.printable(invite.code), days=invites.SCHOOL_INVITE_DAYS,
    ))


async def on_grant(query: CallbackQuery, callback_data: GrantCurator, bot: Bot,
                   i18n: I18nContext, session: AsyncSession, user: User, school: School,
                   settings: Settings) -> None:
    if not isinstance(query.message, Message) or \
            not await access.may_become_curator(session, school.id, callback_data.user_id):
        raise StaleAction
    granted = await schools.grant_curator(session, school.id, callback_data.user_id, user.id)
    await session.commit()
    if granted:
        await show_curator_menu(bot, i18n.core, await session.get(User, callback_data.user_id),
                                settings.default_locale)
    await query.answer(i18n.get("curator-granted" if granted else "curator-already"),
                       show_alert=True)
    await show_curators(query.message, i18n, session, school)


async def on_revoke(query: CallbackQuery, callback_data: RevokeCurator, bot: Bot,
                    i18n: I18nContext, session: AsyncSession, school: School, settings: Settings,
                    clock: Clock, outbox: OutboxWorker) -> None:
    if not isinstance(query.message, Message):
        raise StaleAction
    curator = await session.get(User, callback_data.user_id)
    if curator is None or callback_data.user_id not in {
            user_id for user_id, _ in await schools.curators_of(session, school.id)}:
        raise StaleAction
    withdrawal = Withdrawal(
        curator, i18n.get("curator-revoke-confirm", name=full_name(curator), school=school.name),
        RevokeCurator(school_id=school.id, user_id=curator.id, sure=True).pack(),
        "curator-revoked-notice", "curator-revoked", {"school": school.name})
    if await withdraw(query, query.message, withdrawal, callback_data.sure,
                      lambda: schools.revoke_curator(session, school.id, curator.id),
                      bot, i18n, session, settings, clock, outbox):
        await show_curators(query.message, i18n, session, school)


async def on_confirm(query: CallbackQuery, callback_data: ConfirmMember, i18n: I18nContext,
                     session: AsyncSession, user: User, settings: Settings, clock: Clock,
                     outbox: OutboxWorker) -> None:
    curated = await access.curated_schools(session, user, settings.curator_ids)
    role = await schools.confirm_role(session, callback_data.role_id,
                                      {school.id for school in curated}, clock.now())
    if role is None or not isinstance(query.message, Message):
        raise StaleAction
    # A pupil who came with a classmate's invitation is offered that pair now, without having
    # to find the link again.
    person = await session.get(User, role.user_id)
    invite = await invites.waiting_pupil_invite(session, person, clock.now())
    if invite is not None:
        inviter = await session.get(User, invite.created_by)
        await owe(session, clock, outbox, person, "pair-invite-offer",
                  params={"name": full_name(inviter)}, buttons=offer_buttons(invite),
                  about=[inviter.id])
    await session.commit()
    await query.answer(i18n.get("member-confirmed"))
    await show_unconfirmed(query.message, i18n, session, await session.get(School, role.school_id))


def router() -> Router:
    curators = Router(name="curators")
    # Written out, so that a search for Command("match") finds where /match is handled.
    curators.message.register(_command(CuratorAction.INVITES), Command("invites"))
    curators.message.register(_command(CuratorAction.CURATORS), Command("curators"))
    curators.message.register(_command(CuratorAction.CONFIRM), Command("confirm"))
    curators.message.register(_command(CuratorAction.MATCH), Command("match"))
    curators.message.register(_command(CuratorAction.PAIRS), Command("pairs"))
    curators.message.register(_command(CuratorAction.CALENDAR), Command("calendar"))
    curators.callback_query.register(on_shortcut, CuratorShortcut.filter())
    curators.callback_query.register(on_school_picked, PickSchool.filter(), CuratedSchool())
    curators.callback_query.register(on_school_page, SchoolPage.filter())
    curators.callback_query.register(on_new_invite, NewInvite.filter(), CuratedSchool())
    curators.callback_query.register(on_grant, GrantCurator.filter(), CuratedSchool())
    curators.callback_query.register(on_revoke, RevokeCurator.filter(), CuratedSchool())
    curators.callback_query.register(on_confirm, ConfirmMember.filter())
    return curators
