"""Every button press is answered (the little clock on the button stops), once, by the bot
rather than by each handler: a handler answers only to say something (a toast, an alert)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware
from aiogram.methods import AnswerCallbackQuery, TelegramMethod
from aiogram.types import CallbackQuery, TelegramObject


class _Press:
    def __init__(self, query_id: str) -> None:
        self.query_id = query_id
        self.answered = False


# The press being handled, shared by the handler's requests (same task, same context).
_current_press: ContextVar[_Press | None] = ContextVar("current_press", default=None)


class AnswerThePress(BaseMiddleware):
    """After the handler, answers the press if the handler did not. Not after a failure: the
    error handlers answer with what went wrong."""

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, CallbackQuery):
            return await handler(event, data)
        press = _Press(event.id)
        token = _current_press.set(press)
        try:
            result = await handler(event, data)
        finally:
            _current_press.reset(token)
        if not press.answered:
            await event.answer()
        return result


class NotesAnswers(BaseRequestMiddleware):
    """Notes that the press being handled was answered (by its handler)."""

    async def __call__(self, make_request, bot: Bot, method: TelegramMethod[Any]) -> Any:
        press = _current_press.get()
        if press is not None and isinstance(method, AnswerCallbackQuery) and \
                method.callback_query_id == press.query_id:
            press.answered = True
        return await make_request(bot, method)
