"""One Bot for both messengers: every request goes to the messenger its chat is in.

The handlers, the outbox and the scheduler hold a single aiogram Bot. Its session is this one,
which hands each method to Telegram's session or MAX's (bot.max.session), by the chat's
address (domain.messengers) or, for a button press's answer, by the press's id. What has no
chat (who the bot is) goes to the first channel configured; the command menu goes to both.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import AnswerCallbackQuery, DeleteMyCommands, SetMyCommands, TelegramMethod

from bot.max.session import MaxSession
from bot.max.updates import CALLBACK_PREFIX
from domain.messengers import Messenger, messenger_of


class Channels(BaseSession):
    def __init__(self, telegram: BaseSession | None, max_session: MaxSession | None) -> None:
        super().__init__()
        if telegram is None and max_session is None:
            raise ValueError("at least one messenger")
        self.sessions: dict[Messenger, BaseSession] = {}
        if telegram is not None:
            self.sessions[Messenger.TELEGRAM] = telegram
        if max_session is not None:
            self.sessions[Messenger.MAX] = max_session

    @property
    def max(self) -> MaxSession | None:
        session = self.sessions.get(Messenger.MAX)
        return session if isinstance(session, MaxSession) else None

    @property
    def first(self) -> Messenger:
        return next(iter(self.sessions))

    def messenger(self, method: TelegramMethod[Any]) -> Messenger:
        chat_id = getattr(method, "chat_id", None)
        scope = getattr(method, "scope", None)
        if chat_id is None and scope is not None:
            chat_id = getattr(scope, "chat_id", None)
        if isinstance(chat_id, int):
            return messenger_of(chat_id)
        if isinstance(method, AnswerCallbackQuery):
            return (Messenger.MAX if method.callback_query_id.startswith(CALLBACK_PREFIX)
                    else Messenger.TELEGRAM)
        return self.first

    async def make_request(self, bot: Bot, method: TelegramMethod[Any],
                           timeout: int | None = None) -> Any:  # noqa: ASYNC109
        if isinstance(method, SetMyCommands | DeleteMyCommands) and \
                getattr(method.scope, "chat_id", None) is None:
            # Everybody's menu (not one chat's), in each messenger.
            for session in self.sessions.values():
                await session.make_request(bot, method, timeout)
            return True
        messenger = self.messenger(method)
        session = self.sessions.get(messenger)
        if session is None:
            raise TelegramBadRequest(method=method,
                                     message=f"Bad Request: no {messenger} channel is configured")
        return await session.make_request(bot, method, timeout)

    async def stream_content(self, *args: Any, **kwargs: Any):
        async for chunk in self.sessions[self.first].stream_content(*args, **kwargs):
            yield chunk

    async def close(self) -> None:
        for session in self.sessions.values():
            await session.close()


async def start_link(bot: Bot, address: int, payload: str) -> str:
    """A deep link that opens the bot with `payload`, in the messenger of the person at
    `address` (who will pass it on to people in the same messenger)."""
    session = bot.session
    if isinstance(session, Channels) and messenger_of(address) is Messenger.MAX and \
            session.max is not None:
        me = await session.max.introduce()
        return f"https://max.ru/{me.get('username')}?start={payload}"
    me = await bot.me()
    return f"https://t.me/{me.username}?start={payload}"
