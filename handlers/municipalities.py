"""/municipalities: a regional curator builds the region's structure. Creates a municipality by
its name, puts schools into it, invites its coordinators (a single-use link) and removes them.
Every button here is the regional curators' only (handlers.access_filters.RegionalCurator)."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels import start_link
from bot.config import Settings
from bot.html import Markup, escape, lines
from bot.outbox_worker import OutboxWorker
from handlers.access_filters import RegionalCurator
from handlers.callbacks import (
    PlaceSchool,
    RegionAct,
    RegionButton,
    RemoveCoordinator,
    SummaryButton,
    SummaryView,
)
from handlers.outgoing import full_name
from handlers.rendering import page_turns, paged
from handlers.states import RegionStates
from handlers.typed_text import ask_text
from handlers.withdrawal import Withdrawal, withdraw
from models import Municipality, School, User
from services import access, invites, municipalities, people
from services.clock import Clock
from services.errors import StaleAction

SCHOOLS_PER_PAGE = 30
# As long as a school's name can be where people type it (the profile's school question).
SCHOOL_NAME_LIMIT = School.__table__.c.name.type.length
# Telegram takes 100 buttons under a message; a region has far fewer municipalities.
MAX_MUNICIPALITY_BUTTONS = 90


def _region(act: RegionAct, municipality: int = 0, page: int = 0) -> str:
    return RegionButton(act=act, municipality=municipality, page=page).pack()


async def show_region(message: Message, i18n: I18nContext, session: AsyncSession) -> None:
    """The municipalities with their numbers of schools and coordinators, and the schools no
    municipality has yet."""
    listed = await municipalities.listed(session)
    loose = await municipalities.loose_schools(session)
    shown = [i18n.get("region-title", count=len(listed))]
    shown += [i18n.get("region-line", name=entry.municipality.name, schools=entry.schools,
                       coordinators=entry.coordinators) for entry in listed]
    shown.append(i18n.get("region-loose-schools", count=loose))
    builder = InlineKeyboardBuilder()
    for entry in listed[:MAX_MUNICIPALITY_BUTTONS]:
        builder.row(InlineKeyboardButton(text=escape(entry.municipality.name[:60]),
                                         callback_data=_region(RegionAct.OPEN,
                                                               entry.municipality.id)))
    builder.row(InlineKeyboardButton(text=i18n.get("button-region-new"),
                                     callback_data=_region(RegionAct.NEW)),
                InlineKeyboardButton(text=i18n.get("button-region-new-school"),
                                     callback_data=_region(RegionAct.NEW_SCHOOL)))
    await message.answer(lines(shown), reply_markup=builder.as_markup())


async def show_municipality(message: Message, i18n: I18nContext, session: AsyncSession,
                            municipality: Municipality) -> None:
    """A municipality's card: its schools, its coordinators, and what can be done."""
    schools = await municipalities.schools_of(session, municipality.id)
    coordinators = await municipalities.coordinators_of(session, municipality.id)
    text = i18n.get(
        "municipality-card", name=municipality.name,
        schools=lines(Markup("• {}").format(school.name) for school in schools) or "—",
        coordinators=lines((Markup("• {}").format(name or "—") for _, name in coordinators))
        or "—")
    builder = InlineKeyboardBuilder()
    builder.row(InlineKeyboardButton(text=i18n.get("button-municipality-place"),
                                     callback_data=_region(RegionAct.PLACE, municipality.id)))
    builder.row(InlineKeyboardButton(text=i18n.get("button-municipality-invite"),
                                     callback_data=_region(RegionAct.INVITE, municipality.id)))
    for user_id, name in coordinators:
        builder.row(InlineKeyboardButton(
            text=i18n.get("button-remove-coordinator", name=name or "—"),
            callback_data=RemoveCoordinator(municipality=municipality.id,
                                            user_id=user_id).pack()))
    builder.row(
        InlineKeyboardButton(text=i18n.get("button-curator-summary"),
                             callback_data=SummaryButton(view=SummaryView.SUMMARY,
                                                         municipality=municipality.id).pack()),
        InlineKeyboardButton(text=i18n.get("desk-button-compare"),
                             callback_data=SummaryButton(view=SummaryView.COMPARE,
                                                         municipality=municipality.id).pack()))
    builder.row(InlineKeyboardButton(text=i18n.get("button-region-back"),
                                     callback_data=_region(RegionAct.LIST)))
    await message.answer(text, reply_markup=builder.as_markup())


async def show_placeable(message: Message, i18n: I18nContext, session: AsyncSession,
                         municipality: Municipality, page: int) -> None:
    """The schools outside this municipality, a page at a time; a school in another one says
    where it is now (placing it here moves it)."""
    rows = await municipalities.placeable(session, municipality.id)
    if not rows:
        await message.answer(i18n.get("municipality-nothing-to-place", name=municipality.name))
        return
    on_page, page, pages = paged(rows, page, SCHOOLS_PER_PAGE)
    builder = InlineKeyboardBuilder()
    for school, elsewhere in on_page:
        label = escape(school.name[:50]) if elsewhere is None else i18n.get(
            "button-place-school-moving", school=school.name[:40], municipality=elsewhere[:20])
        builder.row(InlineKeyboardButton(text=label, callback_data=PlaceSchool(
            municipality=municipality.id, school=school.id).pack()))
    turns = page_turns(page, pages, lambda to: _region(RegionAct.PLACE, municipality.id, to))
    if turns:
        builder.row(*turns)
    await message.answer(i18n.get("municipality-pick-school", name=municipality.name,
                                  page=page + 1, pages=pages), reply_markup=builder.as_markup())


async def on_municipalities(message: Message, i18n: I18nContext, session: AsyncSession,
                            user: User, settings: Settings) -> None:
    if not access.may_manage_region(user, settings.curator_ids):
        await message.answer(i18n.get("region-only"))
        return
    await show_region(message, i18n, session)


async def on_region_button(query: CallbackQuery, callback_data: RegionButton, bot: Bot,
                           state: FSMContext, i18n: I18nContext, session: AsyncSession,
                           user: User, clock: Clock) -> None:
    if not isinstance(query.message, Message):
        raise StaleAction
    if callback_data.act is RegionAct.LIST:
        await show_region(query.message, i18n, session)
        return
    if callback_data.act is RegionAct.NEW:
        await state.set_state(RegionStates.municipality_name)
        await session.commit()
        await query.message.answer(i18n.get("municipality-ask-name",
                                            least=municipalities.MIN_NAME,
                                            most=municipalities.MAX_NAME))
        return
    if callback_data.act is RegionAct.NEW_SCHOOL:
        await state.set_state(RegionStates.school_name)
        await session.commit()
        await query.message.answer(i18n.get("school-ask-name", least=municipalities.MIN_NAME,
                                            most=SCHOOL_NAME_LIMIT))
        return
    municipality = await session.get(Municipality, callback_data.municipality)
    if municipality is None:
        raise StaleAction
    if callback_data.act is RegionAct.OPEN:
        await show_municipality(query.message, i18n, session, municipality)
    elif callback_data.act is RegionAct.PLACE:
        await show_placeable(query.message, i18n, session, municipality, callback_data.page)
    else:
        invite = await invites.create_for_coordinator(
            session, municipality_id=municipality.id, created_by=user.id, now=clock.now())
        await session.commit()
        link = await start_link(bot, query.message.chat.id, invites.payload_for(invite))
        await query.message.answer(i18n.get(
            "coordinator-invite-created", municipality=municipality.name,
            link=link,
            code=invites.printable(invite.code), days=invites.COORDINATOR_INVITE_DAYS))


async def _still_regional(message: Message, state: FSMContext, i18n: I18nContext,
                          session: AsyncSession, user: User, settings: Settings) -> bool:
    """Whether the person who typed a name may still shape the region; if not, the question
    is closed and they are told."""
    if access.may_manage_region(user, settings.curator_ids):
        return True
    await state.clear()
    await session.commit()
    await message.answer(i18n.get("region-only"))
    return False


async def on_name(message: Message, text: str, state: FSMContext, i18n: I18nContext,
                  session: AsyncSession, user: User, settings: Settings) -> None:
    if not await _still_regional(message, state, i18n, session, user, settings):
        return
    if len(" ".join(text.split())) < municipalities.MIN_NAME:
        await message.answer(i18n.get("municipality-ask-name", least=municipalities.MIN_NAME,
                                      most=municipalities.MAX_NAME))
        return
    try:
        municipality = await municipalities.create(session, text, user.id)
    except municipalities.NameTaken as taken:
        # The question stays open: another name, or /cancel. (Committed: when another curator
        # took the name a moment before, the refused insert is this update's one statement.)
        await session.commit()
        await message.answer(i18n.get("municipality-exists", name=taken.existing.name))
        return
    await state.clear()
    await session.commit()
    await message.answer(i18n.get("municipality-created", name=municipality.name))
    await show_municipality(message, i18n, session, municipality)


async def on_school_name(message: Message, text: str, state: FSMContext, i18n: I18nContext,
                         session: AsyncSession, user: User, settings: Settings) -> None:
    """A school the region adds before anybody names it: a single school's curator (listed in
    CURATOR_IDS) starts here, and invitations into it can be made at once."""
    if not await _still_regional(message, state, i18n, session, user, settings):
        return
    if len(" ".join(text.split())) < municipalities.MIN_NAME:
        await message.answer(i18n.get("school-ask-name", least=municipalities.MIN_NAME,
                                      most=SCHOOL_NAME_LIMIT))
        return
    school, added = await people.add_school(session, text)
    await state.clear()
    await session.commit()
    await message.answer(i18n.get("school-added" if added else "school-exists",
                                  name=school.name))
    await show_region(message, i18n, session)


async def on_place(query: CallbackQuery, callback_data: PlaceSchool, i18n: I18nContext,
                   session: AsyncSession) -> None:
    municipality = await session.get(Municipality, callback_data.municipality)
    school = await session.get(School, callback_data.school)
    if municipality is None or school is None or not isinstance(query.message, Message):
        raise StaleAction
    await municipalities.place(session, school, municipality)
    await session.commit()
    await query.answer(i18n.get("municipality-school-placed", school=school.name,
                                name=municipality.name), show_alert=True)
    await show_municipality(query.message, i18n, session, municipality)


async def on_remove(query: CallbackQuery, callback_data: RemoveCoordinator, bot: Bot,
                    i18n: I18nContext, session: AsyncSession, settings: Settings, clock: Clock,
                    outbox: OutboxWorker) -> None:
    municipality = await session.get(Municipality, callback_data.municipality)
    coordinator = await session.get(User, callback_data.user_id)
    if municipality is None or coordinator is None or not isinstance(query.message, Message) \
            or callback_data.user_id not in {user_id for user_id, _ in
                                             await municipalities.coordinators_of(
                                                 session, municipality.id)}:
        raise StaleAction
    withdrawal = Withdrawal(
        coordinator, i18n.get("coordinator-remove-confirm", name=full_name(coordinator),
                              municipality=municipality.name),
        RemoveCoordinator(municipality=municipality.id, user_id=coordinator.id,
                          sure=True).pack(),
        "coordinator-removed-notice", "coordinator-removed", {"municipality": municipality.name})
    if await withdraw(query, query.message, withdrawal, callback_data.sure,
                      lambda: municipalities.remove(session, municipality.id, coordinator.id),
                      bot, i18n, session, settings, clock, outbox):
        await show_municipality(query.message, i18n, session, municipality)


def router() -> Router:
    region = Router(name="municipalities")
    region.message.register(on_municipalities, Command("municipalities"))
    ask_text(region, on_name, RegionStates.municipality_name, municipalities.MAX_NAME,
             hint="municipality-name-hint")
    ask_text(region, on_school_name, RegionStates.school_name, SCHOOL_NAME_LIMIT,
             hint="school-name-hint")
    region.callback_query.register(on_region_button, RegionButton.filter(), RegionalCurator())
    region.callback_query.register(on_place, PlaceSchool.filter(), RegionalCurator())
    region.callback_query.register(on_remove, RemoveCoordinator.filter(), RegionalCurator())
    return region
