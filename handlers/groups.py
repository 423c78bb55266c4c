"""A pair's Telegram group chat: /link binds it (members of the pair only), and the pair's
notices also go there; removing the bot from the group unbinds it."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import (
    CallbackQuery,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.callbacks import LinkPair
from handlers.outgoing import pair_title, shown
from handlers.rendering import drop_buttons
from models import Pair, User
from services import pairs

GROUP_TYPES = {"group", "supergroup"}
GONE = {"left", "kicked"}


async def on_link(message: Message, i18n: I18nContext, session: AsyncSession,
                  user: User | None) -> None:
    if user is None:
        await message.answer(i18n.get("link-need-start"))
        return
    mine = [p for p in await pairs.pairs_of(session, user) if p.status in pairs.OPEN]
    if not mine:
        await message.answer(i18n.get("link-no-pair"))
        return
    if len(mine) == 1:
        await _bind(message, i18n, session, mine[0])
        return
    people = await pairs.users_by_id(session, {m.user_id for p in mine for m in p.members})
    await message.answer(i18n.get("link-pick"), reply_markup=InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=shown(i18n, pair_title(p, people)),
                                               callback_data=LinkPair(pair=p.id).pack())]
                         for p in mine]))


async def _bind(message: Message, i18n: I18nContext, session: AsyncSession, pair: Pair) -> None:
    await pairs.bind_chat(session, pair, message.chat.id)
    people = await pairs.users_by_id(session, [m.user_id for m in pair.members])
    await message.answer(i18n.get("link-done", pair=shown(i18n, pair_title(pair, people))))


async def on_link_pick(query: CallbackQuery, callback_data: LinkPair, i18n: I18nContext,
                       session: AsyncSession, user: User | None) -> None:
    pair = await session.get(Pair, callback_data.pair)
    if (user is None or pair is None or pairs.member(pair, user.id) is None
            or pair.status not in pairs.OPEN or not isinstance(query.message, Message)):
        await query.answer(i18n.get("error-stale"), show_alert=True)
        return
    await query.answer()
    await drop_buttons(query.message)
    await _bind(query.message, i18n, session, pair)


async def on_bot_removed(event: ChatMemberUpdated, session: AsyncSession) -> None:
    await pairs.unbind_chat(session, event.chat.id)


async def on_migrated(message: Message, session: AsyncSession) -> None:
    """A group that became a supergroup changes its id; the binding follows it."""
    await pairs.move_chat(session, message.chat.id, message.migrate_to_chat_id)


def router() -> Router:
    groups = Router(name="groups")
    groups.message.filter(F.chat.type.in_(GROUP_TYPES))
    groups.message.register(on_migrated, F.migrate_to_chat_id)
    groups.message.register(on_link, Command("link"))
    groups.callback_query.register(on_link_pick, LinkPair.filter())
    groups.my_chat_member.register(on_bot_removed, F.new_chat_member.status.in_(GONE))
    return groups
