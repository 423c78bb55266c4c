"""The Bot API methods the handlers call, carried out in MAX (an aiogram session).

Each method becomes MAX's call and its answer the object aiogram expects, so every handler,
view and the outbox work unchanged. What MAX does differently is handled here, once:
- a person is written to by user_id, a group by chat_id (domain.messengers says which);
- messages are named by MAX's string ids, numbered for the handlers (bot.max.message_ids);
- there are no reply keyboards: the main menu becomes «message» buttons, which send their label
  as the person's own message, as a reply keyboard's button does in Telegram;
- a button press is answered with a notification, or not at all (MAX wants no empty answer);
- the command menu is one list for everybody (MAX has no per-chat menus), set with its method;
- a file is uploaded in two steps and sent when MAX has processed it (`attachment.not.ready`);
- MAX's refusals become aiogram's exceptions, which the delivery path already handles.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from aiogram import Bot
from aiogram.client.default import Default
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMessage,
    DeleteMyCommands,
    EditMessageCaption,
    EditMessageReplyMarkup,
    EditMessageText,
    GetChatMember,
    GetMe,
    SendChatAction,
    SendDocument,
    SendMessage,
    SendPhoto,
    SetMyCommands,
    TelegramMethod,
)
from aiogram.types import (
    ChatMemberAdministrator,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    ReplyKeyboardMarkup,
    User,
)

from bot.max.api import MaxApi, MaxError, MaxNetworkError
from bot.max.message_ids import MessageIds
from bot.max.updates import CALLBACK_PREFIX, UpdateTranslator, first_name, number, seconds
from domain.messengers import Messenger, from_max, messenger_of, to_max

log = logging.getLogger(__name__)
# MAX may not have processed an upload when the message naming it is sent: tried again after
# these pauses (its documentation asks for growing ones), then given up.
NOT_READY_PAUSES = (0.5, 1.0, 2.0, 4.0, 8.0)
# MAX documents no Retry-After: a refused request waits this long before it is tried again.
RETRY_AFTER_SECONDS = 1


class MaxSession(BaseSession):
    def __init__(self, api: MaxApi, message_ids: MessageIds,
                 sleep=asyncio.sleep) -> None:
        super().__init__()
        self.api, self.message_ids, self.sleep = api, message_ids, sleep
        self.me: dict[str, Any] | None = None
        self._translator: UpdateTranslator | None = None

    async def introduce(self) -> dict[str, Any]:
        """Who the bot is in MAX (GET /me), asked once."""
        if self.me is None:
            self.me = await self.api.call("GET", "/me")
        return self.me

    async def translator(self) -> UpdateTranslator:
        if self._translator is None:
            me = await self.introduce()
            self._translator = UpdateTranslator(self.message_ids.remember, int(me["user_id"]))
        return self._translator

    async def close(self) -> None:
        await self.message_ids.close()
        await self.api.close()

    async def stream_content(self, url: str, headers: dict[str, Any] | None = None,
                             timeout: int = 30, chunk_size: int = 65536,  # noqa: ASYNC109
                             raise_for_status: bool = True):
        # The bot downloads nothing people send; MAX would give a file's URL in its message.
        raise NotImplementedError("downloads through MAX")
        yield b""  # an async generator, as BaseSession declares

    async def make_request(self, bot: Bot, method: TelegramMethod[Any],
                           timeout: int | None = None) -> Any:  # noqa: ASYNC109
        perform = getattr(self, f"_{type(method).__name__}", None)
        if perform is None:
            raise TelegramBadRequest(method=method,
                                     message=f"{type(method).__name__} is not available in MAX")
        try:
            return await perform(bot, method)
        except MaxError as error:
            raise _as_aiogram(method, error) from None
        except MaxNetworkError as error:
            raise TelegramNetworkError(method=method, message=str(error)) from None

    # -- who the bot is

    async def _GetMe(self, bot: Bot, method: GetMe) -> User:
        me = await self.introduce()
        return User(id=from_max(int(me["user_id"])), is_bot=True,
                    first_name=first_name(me, "bot"), username=me.get("username"))

    async def _SetMyCommands(self, bot: Bot, method: SetMyCommands) -> bool:
        if getattr(method.scope, "chat_id", None) is not None:
            return True  # MAX has one menu for everybody: a curator's own menu is not set
        if method.language_code:
            return True  # nor one per language: the default language's menu stands
        await self.api.call("PATCH", "/me/commands", body={"commands": [
            {"name": command.command, "description": command.description}
            for command in method.commands]})
        return True

    async def _DeleteMyCommands(self, bot: Bot, method: DeleteMyCommands) -> bool:
        return True  # per-chat menus are never set in MAX (above)

    # -- messages

    def _text(self, bot: Bot, method: Any, field: str = "text") -> dict[str, Any]:
        text = getattr(method, field, None)
        mode = _resolved(bot, getattr(method, "parse_mode", None))
        body: dict[str, Any] = {"text": text or ""}
        # ParseMode is a str enum: compared as the string it is, not as str() renders it.
        if mode is not None and mode.upper() == "HTML":
            body["format"] = "html"
        elif mode is not None and mode.upper().startswith("MARKDOWN"):
            body["format"] = "markdown"
        return body

    @staticmethod
    def _recipient(chat_id: int | str) -> dict[str, int]:
        address = int(chat_id)
        max_id = to_max(address)
        return {"user_id": max_id} if address > 0 else {"chat_id": max_id}

    async def _sent(self, bot: Bot, answer: dict[str, Any], chat_id: int) -> Message:
        message = answer.get("message") or {}
        body = message.get("body") or {}
        # Remembered without waiting for the database: nothing may fail once MAX has sent it.
        self.message_ids.remember(int(chat_id), number(message), body["mid"], keep=True)
        return _message(bot, int(chat_id), number(message), body.get("text"),
                        message.get("timestamp"))

    async def _post(self, bot: Bot, chat_id: int, body: dict[str, Any]) -> Message:
        answer = await self.api.call("POST", "/messages", params=self._recipient(chat_id),
                                     body=body)
        return await self._sent(bot, answer, chat_id)

    async def _SendMessage(self, bot: Bot, method: SendMessage) -> Message:
        body = self._text(bot, method)
        if (keyboard := keyboard_attachment(method.reply_markup)) is not None:
            body["attachments"] = [keyboard]
        return await self._post(bot, method.chat_id, body)

    async def _mid(self, method: Any) -> str:
        mid = await self.message_ids.mid(int(method.chat_id), int(method.message_id))
        if mid is None:
            raise TelegramBadRequest(method=method,
                                     message="Bad Request: message to edit not found")
        return mid

    async def _edit(self, bot: Bot, method: Any, body: dict[str, Any],
                    text: str | None = None) -> Message:
        """Change the message, answered as Telegram answers an edit: with the message."""
        await self.api.call("PUT", "/messages", params={"message_id": await self._mid(method)},
                            body=body)
        return _message(bot, int(method.chat_id), int(method.message_id), text)

    @staticmethod
    def _keyboard_after_edit(markup: Any) -> list[dict[str, Any]]:
        # MAX keeps the attachments when none are given, and removes them on an empty list:
        # Telegram's edit without a keyboard removes it.
        keyboard = keyboard_attachment(markup)
        return [keyboard] if keyboard is not None else []

    async def _EditMessageText(self, bot: Bot, method: EditMessageText) -> Message:
        body = {**self._text(bot, method),
                "attachments": self._keyboard_after_edit(method.reply_markup)}
        return await self._edit(bot, method, body, method.text)

    async def _EditMessageReplyMarkup(self, bot: Bot,
                                      method: EditMessageReplyMarkup) -> Message:
        return await self._edit(
            bot, method, {"attachments": self._keyboard_after_edit(method.reply_markup)})

    async def _EditMessageCaption(self, bot: Bot, method: EditMessageCaption) -> Message:
        return await self._edit(bot, method, self._text(bot, method, "caption"))

    async def _DeleteMessage(self, bot: Bot, method: DeleteMessage) -> bool:
        await self.api.call("DELETE", "/messages",
                            params={"message_id": await self._mid(method)})
        return True

    async def _AnswerCallbackQuery(self, bot: Bot, method: AnswerCallbackQuery) -> bool:
        if not method.text:
            return True  # MAX refuses an answer with nothing in it, and needs none
        callback_id = method.callback_query_id.removeprefix(CALLBACK_PREFIX)
        await self.api.call("POST", "/answers", params={"callback_id": callback_id},
                            body={"notification": method.text})
        return True

    async def _SendChatAction(self, bot: Bot, method: SendChatAction) -> bool:
        return True  # «typing…» is a nicety MAX's chats do without here

    # -- files

    async def _upload(self, bot: Bot, method: Any, kind: str,
                      file: InputFile | str) -> dict[str, Any]:
        if not isinstance(file, InputFile):
            raise TelegramBadRequest(method=method, message="MAX takes files as uploads only")
        data = b"".join([chunk async for chunk in file.read(bot)])
        endpoint = await self.api.call("POST", "/uploads", params={"type": kind})
        uploaded = await self.api.upload(endpoint["url"], file.filename or "file", data)
        if kind == "image":
            return {"type": "image", "payload": {"photos": uploaded["photos"]}
                    if "photos" in uploaded else {"token": uploaded.get("token")}}
        return {"type": kind, "payload": {"token": uploaded.get("token") or endpoint.get("token")}}

    async def _post_attachment(self, bot: Bot, chat_id: int, body: dict[str, Any]) -> Message:
        for pause in (*NOT_READY_PAUSES, None):
            try:
                return await self._post(bot, chat_id, body)
            except MaxError as error:
                if error.code != "attachment.not.ready" or pause is None:
                    raise
                await self.sleep(pause)
        raise AssertionError("unreachable")

    async def _send_file(self, bot: Bot, method: SendDocument | SendPhoto, kind: str,
                         file: InputFile | str) -> Message:
        body = self._text(bot, method, "caption")
        body["attachments"] = [await self._upload(bot, method, kind, file)]
        if (keyboard := keyboard_attachment(method.reply_markup)) is not None:
            body["attachments"].append(keyboard)
        return await self._post_attachment(bot, method.chat_id, body)

    async def _SendDocument(self, bot: Bot, method: SendDocument) -> Message:
        return await self._send_file(bot, method, "file", method.document)

    async def _SendPhoto(self, bot: Bot, method: SendPhoto) -> Message:
        return await self._send_file(bot, method, "image", method.photo)

    # -- groups

    async def _GetChatMember(self, bot: Bot, method: GetChatMember) -> Any:
        if messenger_of(int(method.user_id)) is not Messenger.MAX:
            # A person in Telegram is in no MAX group.
            return ChatMemberLeft(user=User(id=int(method.user_id), is_bot=False,
                                            first_name="—"))
        chat_id = to_max(int(method.chat_id))
        user_id = to_max(int(method.user_id))
        answer = await self.api.call("GET", f"/chats/{chat_id}/members",
                                     params={"user_ids": [user_id]})
        members = answer.get("members") or []
        if not members:
            return ChatMemberLeft(user=User(id=int(method.user_id), is_bot=False,
                                            first_name="—"))
        member = members[0]
        user = User(id=int(method.user_id), is_bot=bool(member.get("is_bot")),
                    first_name=first_name(member))
        if member.get("is_owner"):
            return ChatMemberOwner(user=user, is_anonymous=False)
        if member.get("is_admin"):
            return ChatMemberAdministrator(
                user=user, can_be_edited=False, is_anonymous=False, can_manage_chat=True,
                can_delete_messages=False, can_manage_video_chats=False,
                can_restrict_members=False, can_promote_members=False, can_change_info=False,
                can_invite_users=False, can_post_stories=False, can_edit_stories=False,
                can_delete_stories=False)
        return ChatMemberMember(user=user)


def _message(bot: Bot, chat_id: int, number: int, text: str | None,
             timestamp: int | None = None) -> Message:
    """What Telegram answers a send or an edit with: the message as it now is (an edit is
    checked for being a Message by the views, handlers.answering)."""
    shaped: dict[str, Any] = {
        "message_id": number, "date": seconds(timestamp) if timestamp else int(time.time()),
        "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"}}
    if text is not None:
        shaped["text"] = text
    return Message.model_validate(shaped, context={"bot": bot})


def keyboard_attachment(markup: Any) -> dict[str, Any] | None:
    """Telegram's keyboard as MAX's inline keyboard: callback and link buttons as they are, a
    reply keyboard's buttons as «message» buttons."""
    if isinstance(markup, InlineKeyboardMarkup):
        rows = [[_inline_button(button) for button in row] for row in markup.inline_keyboard]
    elif isinstance(markup, ReplyKeyboardMarkup):
        rows = [[{"type": "message", "text": button.text} for button in row]
                for row in markup.keyboard]
    else:
        return None  # none, or a reply keyboard removed: MAX has none to remove
    rows = [row for row in rows if row]
    if not rows:
        return None
    return {"type": "inline_keyboard", "payload": {"buttons": rows}}


def _inline_button(button: Any) -> dict[str, Any]:
    if button.url:
        return {"type": "link", "text": button.text, "url": button.url}
    if button.callback_data is not None:
        return {"type": "callback", "text": button.text, "payload": button.callback_data}
    # A switch-inline or game button has no counterpart: shown, it answers like a stale one.
    return {"type": "callback", "text": button.text, "payload": "-"}


def _resolved(bot: Bot, value: Any) -> Any:
    return bot.default[value.name] if isinstance(value, Default) else value


def _as_aiogram(method: TelegramMethod[Any], error: MaxError) -> Exception:
    message = f"{error.code}: {error.message}" if error.message else error.code
    if error.status == 429 or error.code == "too.many.requests":
        return TelegramRetryAfter(method=method, message=message,
                                  retry_after=RETRY_AFTER_SECONDS)
    if error.status == 401 or error.code == "verify.token":
        return TelegramUnauthorizedError(method=method, message=message)
    if error.status == 403:
        return TelegramForbiddenError(method=method, message=message)
    if error.status >= 500:
        return TelegramServerError(method=method, message=message)
    return TelegramBadRequest(method=method, message=message)
