"""A mocked Bot API session and a person who chats with the bot through the real Dispatcher.

The session answers every request the way Telegram would in shape (a sent message gets an id),
and records them; `Person` turns text and button presses into real Update objects.
"""

from __future__ import annotations

import itertools
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import (
    EditMessageReplyMarkup,
    EditMessageText,
    GetChatMember,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    Chat,
    ChatMemberLeft,
    ChatMemberMember,
    FSInputFile,
    InlineKeyboardMarkup,
    Message,
    Update,
    User,
)

from bot.demo.telegram_shapes import format_text
from bot.unit_of_work import replied_before_commit
from tests import telegram_rules

BOT_USER = User(id=42, is_bot=True, first_name="Mentoring bot", username="mentoring_test_bot")
TOKEN = "4200:TEST-token-for-the-mocked-session-abcdefgh"


@dataclass
class ChatMessage:
    """What a person sees of one bot message: its latest text and buttons."""

    message_id: int
    text: str
    markup: Any = None

    @property
    def seen(self) -> str:
        """The text as Telegram shows it: markup parsed, entities decoded."""
        return format_text(self.text, "HTML")[0]

    @property
    def links(self) -> list[str]:
        """The addresses of the text's links (<a href>), as Telegram makes them live."""
        return [entity["url"] for entity in format_text(self.text, "HTML")[1]
                if entity["type"] == "text_link"]

    def buttons(self) -> list[tuple[str, str]]:
        if not isinstance(self.markup, InlineKeyboardMarkup):
            return []
        return [(b.text, b.callback_data) for row in self.markup.inline_keyboard for b in row]


# Every mocked session of the running test; conftest fails the test if any of them was sent
# something Telegram would refuse (tests/telegram_rules.py).
SESSIONS: list[MockedSession] = []


@dataclass
class MockedSession(BaseSession):
    requests: list[TelegramMethod] = field(default_factory=list)
    chats: dict[int, dict[int, ChatMessage]] = field(default_factory=dict)
    # Errors to raise instead of sending the next messages to a chat, in order (429, 5xx, 403…).
    failures: dict[int, list[Exception]] = field(default_factory=dict)
    # What broke Telegram's rules, with the request it was in.
    violations: list[str] = field(default_factory=list)
    # Who is in a group (getChatMember); a group not listed has everybody in it.
    group_members: dict[int, set[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__()
        SESSIONS.append(self)

    async def make_request(self, bot: Bot, method: TelegramMethod, timeout: int | None = None):  # noqa: ASYNC109
        self.requests.append(method)
        if replied_before_commit():
            where = " < ".join(f"{Path(frame.filename).name}:{frame.lineno}"
                               for frame in reversed(traceback.extract_stack())
                               if "/handlers/" in frame.filename)
            self.violations.append(f"{type(method).__name__}: sent while the update's writes "
                                   f"were not committed yet (bot/unit_of_work.py), at {where}")
        problems = telegram_rules.violations(method)
        if problems:
            self.violations += [f"{type(method).__name__}: {problem}" for problem in problems]
            # As Telegram does: the request is refused.
            raise TelegramBadRequest(method, "Bad Request: " + "; ".join(problems))
        if isinstance(method, SendMessage) and self.failures.get(int(method.chat_id)):
            raise self.failures[int(method.chat_id)].pop(0)
        if isinstance(method, SendMessage):
            message_id = next(_message_ids)
            self.chats.setdefault(int(method.chat_id), {})[message_id] = ChatMessage(
                message_id, method.text, method.reply_markup)
            return self._message(int(method.chat_id), message_id, method.text)
        if isinstance(method, SendDocument) and isinstance(method.document, FSInputFile):
            # Read now, as Telegram would: the sender may delete the file right after.
            method.document = BufferedInputFile(Path(method.document.path).read_bytes(),  # noqa: ASYNC240
                                                filename=method.document.filename)
        if isinstance(method, SendPhoto | SendDocument):
            # Shown with its caption as the text, so a test can find its buttons.
            message_id = next(_message_ids)
            self.chats.setdefault(int(method.chat_id), {})[message_id] = ChatMessage(
                message_id, method.caption or "", method.reply_markup)
            return self._message(int(method.chat_id), message_id, method.caption or "")
        if isinstance(method, EditMessageText):
            shown = self._shown(int(method.chat_id), method.message_id)
            after = (method.text, method.reply_markup)
            self._must_change(method, (shown.text, shown.markup), after)
            shown.text, shown.markup = method.text, method.reply_markup
            return self._message(int(method.chat_id), method.message_id, method.text)
        if isinstance(method, EditMessageReplyMarkup):
            shown = self._shown(int(method.chat_id), method.message_id)
            self._must_change(method, shown.markup, method.reply_markup)
            shown.markup = method.reply_markup
            return self._message(int(method.chat_id), method.message_id, shown.text)
        if method.__returning__ is User:
            return BOT_USER
        if isinstance(method, GetChatMember):
            user = User(id=int(method.user_id), is_bot=False, first_name="…")
            members = self.group_members.get(int(method.chat_id))
            if members is None or int(method.user_id) in members:
                return ChatMemberMember(user=user)
            return ChatMemberLeft(user=user)
        return True

    @staticmethod
    def _must_change(method: TelegramMethod, before: Any, after: Any) -> None:
        if before == after:  # as Telegram does
            raise TelegramBadRequest(method, "Bad Request: message is not modified")

    def _shown(self, chat_id: int, message_id: int) -> ChatMessage:
        """A message in the chat; one sent before this session (a restart) is taken as known."""
        return self.chats.setdefault(chat_id, {}).setdefault(
            message_id, ChatMessage(message_id, ""))

    @staticmethod
    def _message(chat_id: int, message_id: int, text: str) -> Message:
        return Message(message_id=message_id, date=datetime.now(UTC), text=text,
                       chat=Chat(id=chat_id, type="private"), from_user=BOT_USER)

    async def close(self) -> None:
        pass

    async def stream_content(self, *args: Any, **kwargs: Any):  # pragma: no cover
        raise NotImplementedError
        yield b""


def mocked_bot() -> Bot:
    return Bot(TOKEN, session=MockedSession())


_update_ids = itertools.count(1)
# One sequence for the bot's and the people's messages, over restarts too: in a chat Telegram
# numbers both sides' messages in the order they arrive, which the bot relies on.
_message_ids = itertools.count(1)


class Person:
    """Somebody in a private chat with the bot."""

    def __init__(self, dispatcher: Dispatcher, bot: Bot, user_id: int,
                 language_code: str = "ru", first_name: str = "Анна",
                 after_update: Callable[[], Awaitable[Any]] | None = None) -> None:
        self.dispatcher, self.bot = dispatcher, bot
        self.after_update = after_update
        self.user = User(id=user_id, is_bot=False, first_name=first_name,
                         language_code=language_code)
        self.chat = Chat(id=user_id, type="private")
        self.last_update: Update | None = None

    @property
    def session(self) -> MockedSession:
        session = self.bot.session
        # Beside MAX, the bot's session is bot.channels.Channels, Telegram's one of two.
        return getattr(session, "sessions", {}).get("telegram", session)  # type: ignore[return-value]

    def messages(self) -> list[ChatMessage]:
        return list(self.session.chats.get(self.user.id, {}).values())

    @property
    def last(self) -> ChatMessage:
        return self.messages()[-1]

    async def feed(self, **update: Any) -> list[TelegramMethod]:
        """Any other update (a chat member change, say) as seen by the bot."""
        return await self._feed(Update(update_id=next(_update_ids), **update))

    async def redeliver(self, dispatcher: Dispatcher | None = None) -> list[TelegramMethod]:
        """The last update again, as Telegram sends it after a crash or a failed webhook call
        (to another bot process if `dispatcher` is given)."""
        assert self.last_update is not None, "nothing was sent yet"
        return await self._feed(self.last_update, dispatcher)

    async def _feed(self, update: Update,
                    dispatcher: Dispatcher | None = None) -> list[TelegramMethod]:
        self.last_update = update
        before = len(self.session.requests)
        await (dispatcher or self.dispatcher).feed_update(self.bot, update)
        if self.after_update is not None:
            await self.after_update()
        return self.session.requests[before:]

    async def send(self, text: str | None = None, chat: Chat | None = None,
                   **content: Any) -> list[TelegramMethod]:
        """A message from this person, in the private chat unless another chat is given."""
        return await self._feed(self.typing(text, chat, **content))

    def typing(self, text: str | None = None, chat: Chat | None = None,
               **content: Any) -> Update:
        """The update a message sent now would make, delivered later with `deliver`."""
        message = Message(message_id=next(_message_ids), date=datetime.now(UTC),
                          chat=chat or self.chat, from_user=self.user, text=text, **content)
        return Update(update_id=next(_update_ids), message=message)

    async def deliver(self, update: Update) -> list[TelegramMethod]:
        return await self._feed(update)

    async def press_data(self, data: str, message_id: int | None = None,
                         chat: Chat | None = None) -> list[TelegramMethod]:
        """Press a button with this callback data (a real one, a stale one or a forged one)."""
        return await self._feed(self.pressing_data(data, message_id, chat))

    def pressing(self, label: str) -> Update:
        """The update a press of the button would make, not yet delivered."""
        return self.pressing_data(*reversed(self.find_button(label)))

    def pressing_data(self, data: str, message_id: int | None = None,
                      chat: Chat | None = None) -> Update:
        chat = chat or self.chat
        message_id = message_id or self.last.message_id
        shown = self.session.chats.get(chat.id, {}).get(message_id)
        message = Message(message_id=message_id, date=datetime.now(UTC), chat=chat,
                          from_user=BOT_USER, text=shown.text if shown else "…")
        query = CallbackQuery(id=str(next(_update_ids)), from_user=self.user, chat_instance="ci",
                              message=message, data=data)
        return Update(update_id=next(_update_ids), callback_query=query)

    def find_button(self, label: str, message: ChatMessage | None = None) -> tuple[int, str]:
        """The newest button whose text contains `label`: (message id, callback data)."""
        candidates = [message] if message else reversed(self.messages())
        for shown in candidates:
            for text, data in shown.buttons():
                if label in text:
                    return shown.message_id, data
        raise AssertionError(f"no button {label!r}; last message: {self.last.text!r} "
                             f"{self.last.buttons()!r}")

    async def press(self, label: str, message: ChatMessage | None = None) -> list[TelegramMethod]:
        message_id, data = self.find_button(label, message)
        return await self.press_data(data, message_id)


def texts(requests: list[TelegramMethod]) -> list[str]:
    """Everything the bot said or showed in response: message texts and callback alerts."""
    said = []
    for request in requests:
        text = getattr(request, "text", None)
        if isinstance(text, str):
            said.append(text)
    return said


def files(requests: list[TelegramMethod]) -> list[tuple[str, bytes]]:
    """The photos and documents sent in response: (file name, content)."""
    sent = [request.photo if isinstance(request, SendPhoto) else request.document
            for request in requests if isinstance(request, SendPhoto | SendDocument)]
    return [(upload.filename, upload.data) for upload in sent]
