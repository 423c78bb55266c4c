"""A pair's group chat (Telegram's or MAX's): /link binds it, and the pair's notices (with
everybody's names) also go there; removing the bot from the group unbinds it. Only a member of
an active pair may bind it (services.access), and only a group every member of the pair is in:
nobody else in the group learns the pair's names."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
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

from domain.messengers import Messenger, messenger_of
from handlers.callbacks import LinkPair
from handlers.outgoing import pair_title, shown
from handlers.rendering import drop_buttons
from models import Pair, User
from services import access, pairs
from services.errors import StaleAction

GROUP_TYPES = {"group", "supergroup"}
GONE = {"left", "kicked"}


async def on_link(message: Message, bot: Bot, i18n: I18nContext, session: AsyncSession,
                  user: User | None) -> None:
    if user is None:
        await message.answer(i18n.get("link-need-start"))
        return
    mine = [p for p in await pairs.pairs_of(session, user)
            if await access.may_bind_group(session, user, p)]
    if not mine:
        await message.answer(i18n.get("link-no-pair"))
        return
    if len(mine) == 1:
        await _bind(message, bot, i18n, session, mine[0])
        return
    people = await pairs.users_by_id(session, {m.user_id for p in mine for m in p.members})
    await message.answer(i18n.get("link-pick"), reply_markup=InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=shown(i18n, pair_title(p, people)),
                                               callback_data=LinkPair(pair=p.id).pack())]
                         for p in mine]))


async def _all_in_the_group(bot: Bot, chat_id: int, people: list[User]) -> bool:
    for person in people:
        try:
            member = await bot.get_chat_member(chat_id, person.telegram_id)
        except TelegramAPIError:
            return False
        if member.status in GONE:
            return False
    return True


async def _bind(message: Message, bot: Bot, i18n: I18nContext, session: AsyncSession,
                pair: Pair) -> None:
    people = await pairs.users_by_id(session, [m.user_id for m in pair.members])
    if not await _all_in_the_group(bot, message.chat.id, list(people.values())):
        # Said without names: the group may hold people the pair does not know.
        await message.answer(i18n.get("link-not-all-here"))
        return
    await pairs.bind_chat(session, pair, message.chat.id)
    await session.commit()
    await message.answer(i18n.get("link-done", pair=shown(i18n, pair_title(pair, people))))


async def on_link_pick(query: CallbackQuery, callback_data: LinkPair, bot: Bot,
                       i18n: I18nContext, session: AsyncSession, user: User | None) -> None:
    pair = await session.get(Pair, callback_data.pair)
    if (user is None or pair is None or not isinstance(query.message, Message)
            or not await access.may_bind_group(session, user, pair)):
        raise StaleAction
    await drop_buttons(query.message)
    await _bind(query.message, bot, i18n, session, pair)


async def on_bot_added(event: ChatMemberUpdated, bot: Bot, i18n: I18nContext) -> None:
    """MAX hands a bot a group's messages only when it is an admin allowed to read them all:
    whoever added it is told, or /link would go unheard."""
    if messenger_of(event.chat.id) is Messenger.MAX:
        await bot.send_message(event.chat.id, i18n.get("group-max-needs-admin"))


async def on_bot_removed(event: ChatMemberUpdated, session: AsyncSession) -> None:
    await pairs.unbind_chat(session, event.chat.id)
    await session.commit()


async def on_migrated(message: Message, session: AsyncSession) -> None:
    """A group that became a supergroup changes its id; the binding follows it."""
    await pairs.move_chat(session, message.chat.id, message.migrate_to_chat_id)
    await session.commit()


def router() -> Router:
    groups = Router(name="groups")
    groups.message.filter(F.chat.type.in_(GROUP_TYPES))
    groups.message.register(on_migrated, F.migrate_to_chat_id)
    groups.message.register(on_link, Command("link"))
    groups.callback_query.register(on_link_pick, LinkPair.filter())
    groups.my_chat_member.register(on_bot_removed, F.new_chat_member.status.in_(GONE))
    groups.my_chat_member.register(on_bot_added, F.chat.type.in_(GROUP_TYPES),
                                   F.new_chat_member.status == "member")
    return groups
