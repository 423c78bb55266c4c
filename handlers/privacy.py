"""/mydata: everything stored about the person, as a file; /delete_me (or /forget): withdraw
consent, after a confirmation, and erase what names them."""

import json

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardRemove,
)
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands import hide_curator_menu
from bot.config import Settings
from bot.outbox_worker import OutboxWorker
from handlers.callbacks import Forget
from handlers.my_data import readable_data
from handlers.outgoing import full_name, owe
from handlers.pair_consent import curators_to_tell
from handlers.pairs import tell_meetings_cancelled
from handlers.rendering import drop_buttons
from models import User
from services import access, pairs, privacy
from services.clock import Clock
from services.profiles import Profiles
from services.surveys import Surveys


async def on_my_data(message: Message, i18n: I18nContext, session: AsyncSession, user: User,
                     surveys: Surveys, profiles: Profiles, settings: Settings) -> None:
    """In words first, as the person gave it; then the same as data, for a program."""
    readable = await readable_data(session, i18n, user, surveys, profiles, settings)
    data = await privacy.personal_data(session, user, surveys, i18n.locale)
    document = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    await message.answer_document(
        BufferedInputFile(readable.encode("utf-8"), filename=i18n.get("mydata-file") + ".txt"),
        caption=i18n.get("mydata-caption"))
    await message.answer_document(BufferedInputFile(document, filename="my-data.json"),
                                  caption=i18n.get("mydata-json-caption"))


async def on_delete_me(message: Message, i18n: I18nContext) -> None:
    await message.answer(i18n.get("forget-confirm"), reply_markup=InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=i18n.get("button-forget-yes"),
                                  callback_data=Forget(confirm=True).pack())],
            [InlineKeyboardButton(text=i18n.get("button-forget-no"),
                                  callback_data=Forget(confirm=False).pack())],
        ]))


async def on_delete_answer(query: CallbackQuery, callback_data: Forget, state: FSMContext,
                           i18n: I18nContext, session: AsyncSession, user: User,
                           surveys: Surveys, clock: Clock, outbox: OutboxWorker,
                           settings: Settings) -> None:
    if not isinstance(query.message, Message):
        return
    await drop_buttons(query.message)
    if not callback_data.confirm:
        await query.message.answer(i18n.get("forget-kept"))
        return
    await state.clear()
    was_curator = await access.is_curator(session, user, settings.curator_ids)
    ended = await privacy.erase(session, user, surveys, clock.now())
    # Their partners and curators learn that the pair ended, not who left or why.
    for pair, starts in ended:
        people = await pairs.users_by_id(session, [m.user_id for m in pair.members
                                                   if m.user_id != user.id])
        for partner in people.values():
            await owe(session, clock, outbox, partner, "pair-partner-left")
            await tell_meetings_cancelled(session, clock, outbox, settings, partner, starts)
        for curator in await curators_to_tell(session, pair, settings):
            if curator.id != user.id:
                await owe(session, clock, outbox, curator, "pair-left-curator",
                          params={"partners": [full_name(p) for p in people.values()],
                                  "meetings": len(starts)}, about=people)
    await session.commit()
    if was_curator:
        await hide_curator_menu(query.bot, query.from_user.id)
    await query.message.answer(i18n.get("forget-done"), reply_markup=ReplyKeyboardRemove())


def router() -> Router:
    private = Router(name="privacy")
    private.message.register(on_my_data, Command("mydata"))
    private.message.register(on_delete_me, Command("delete_me", "forget"))
    private.callback_query.register(on_delete_answer, Forget.filter())
    return private
