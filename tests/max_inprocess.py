"""A person in MAX for the in-process tests: the conversations of tests/flows.py, run through
the real Dispatcher with one side in MAX. Their messages and presses are MAX's events (made by
the MAX stand-in, tests/max_standin.py) translated as production translates them
(bot.max.receiving.feed); the bot's answers go through bot.max.session to the stand-in, whose
chat is what the person sees. The interface is tests/telegram.Person's, so flows that take a
person take either."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.methods import TelegramMethod
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.channels import Channels
from bot.max.api import MaxApi
from bot.max.message_ids import MessageIds
from bot.max.receiving import feed
from bot.max.session import MaxSession
from domain.messengers import from_max
from tests.max_standin import MaxStandIn, Shown
from tests.telegram import TOKEN, MockedSession


class RecordingMaxSession(MaxSession):
    """MaxSession that keeps the methods it was given, as MockedSession does for Telegram."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.requests: list[TelegramMethod] = []

    async def make_request(self, bot: Bot, method: TelegramMethod[Any],
                           timeout: int | None = None) -> Any:  # noqa: ASYNC109
        self.requests.append(method)
        return await super().make_request(bot, method, timeout)


async def no_pause(_seconds: float) -> None:
    pass


def two_channel_bot(standin: MaxStandIn, sessionmaker: async_sessionmaker) -> Bot:
    """The Bot as bot.factory.create_bot builds it with both tokens, Telegram's side mocked."""
    max_session = RecordingMaxSession(MaxApi(standin.token, standin.base_url),
                                      MessageIds(sessionmaker), sleep=no_pause)
    return Bot(TOKEN, session=Channels(MockedSession(), max_session),
               default=DefaultBotProperties(parse_mode=ParseMode.HTML))


class MaxChatter:
    def __init__(self, dispatcher: Dispatcher, bot: Bot, standin: MaxStandIn, max_id: int,
                 first_name: str = "Анна",
                 after_update: Callable[[], Awaitable[Any]] | None = None) -> None:
        self.dispatcher, self.bot, self.standin = dispatcher, bot, standin
        self.max_id = max_id
        self.after_update = after_update
        self.max_user = {"user_id": max_id, "first_name": first_name, "last_name": "",
                         "is_bot": False}
        # As the bot knows them: by their MAX address.
        self.user = SimpleNamespace(id=from_max(max_id), first_name=first_name)

    @property
    def session(self) -> RecordingMaxSession:
        return self.bot.session.max  # type: ignore[union-attr,return-value]

    def messages(self) -> list[Shown]:
        return [shown for shown in self.standin.chat(self.max_id) if shown.from_bot]

    @property
    def last(self) -> Shown:
        return self.messages()[-1]

    async def _feed(self, raw: dict[str, Any]) -> list[TelegramMethod]:
        before = len(self.session.requests)
        await feed(self.dispatcher, self.bot, self.session, raw)
        if self.after_update is not None:
            await self.after_update()
        return self.session.requests[before:]

    async def start(self, payload: str | None = None) -> list[TelegramMethod]:
        return await self._feed(self.standin.push_bot_started(self.max_user, payload))

    async def send(self, text: str) -> list[TelegramMethod]:
        if text.startswith("/start"):  # MAX's Start button, with a deep link's payload
            return await self.start(text.removeprefix("/start").strip() or None)
        return await self._feed(self.standin.push_message(self.max_user, text))

    def find_button(self, label: str, message: Shown | None = None
                    ) -> tuple[Shown, dict[str, Any]]:
        """The newest button whose text contains `label`."""
        for shown in [message] if message else reversed(self.messages()):
            for button in shown.keyboard():
                if label in button.get("text", ""):
                    return shown, button
        raise AssertionError(f"no button {label!r}; last message: {self.last.text!r} "
                             f"{self.last.buttons()!r}")

    async def press(self, label: str, message: Shown | None = None) -> list[TelegramMethod]:
        shown, button = self.find_button(label, message)
        if button["type"] == "message":  # the main menu: its label sent as a message
            return await self.send(button["text"])
        return await self._feed(self.standin.push_callback(self.max_user, shown.mid,
                                                           button["payload"]))
