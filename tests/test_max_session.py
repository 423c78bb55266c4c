"""The Bot API methods carried out in MAX (bot.max.session) and the routing between the two
messengers (bot.channels), against the MAX stand-in (tests/max_standin.py) over HTTP, with
message ids kept in a migrated database. Receiving is in tests/test_max_receiving.py."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import AnswerCallbackQuery, GetMe, SendMessage, SetMyCommands, TelegramMethod
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BufferedInputFile,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    User,
)
from sqlalchemy import text
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.channels import Channels, start_link
from bot.factory import WITHOUT_TELEGRAM
from bot.max.api import MaxApi
from bot.max.message_ids import MessageIds
from bot.max.session import NOT_READY_PAUSES, MaxSession
from domain.messengers import from_max
from models.db import create_engine, create_sessionmaker, upgrade_database
from tests.max_standin import MaxStandIn

MAX_TOKEN = "max-token-for-the-session-tests-0123456789"
ANNA = {"user_id": 7100201, "first_name": "Анна", "last_name": ""}
ANNA_ADDRESS = from_max(ANNA["user_id"])
GROUP_ID = -70801090403050
KEYBOARD = InlineKeyboardMarkup(inline_keyboard=[
    [InlineKeyboardButton(text="Да", callback_data="yes"),
     InlineKeyboardButton(text="Нет", callback_data="no")],
    [InlineKeyboardButton(text="Сайт", url="https://example.org/help")]])
COMMANDS = [BotCommand(command="start", description="Начать"),
            BotCommand(command="help", description="Помощь")]


class Sleeps(list):
    """MaxSession's pauses, recorded instead of waited."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
async def standin() -> AsyncIterator[MaxStandIn]:
    server = MaxStandIn(token=MAX_TOKEN, max_poll_wait=0.2)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def sessionmaker(database_url: str) -> AsyncIterator[async_sessionmaker]:
    engine = create_engine(database_url)
    await upgrade_database(engine)
    yield create_sessionmaker(engine)
    await engine.dispose()


def max_session(standin: MaxStandIn, sessionmaker: async_sessionmaker,
                sleeps: Sleeps | None = None, token: str = MAX_TOKEN,
                url: str | None = None) -> MaxSession:
    """A fresh session as a (re)started process makes it: nothing remembered but the database."""
    return MaxSession(MaxApi(token, url or standin.base_url), MessageIds(sessionmaker),
                      sleep=sleeps if sleeps is not None else Sleeps())


def bot_over(session: BaseSession, token: str = WITHOUT_TELEGRAM) -> Bot:
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


@pytest.fixture
async def make_bot(standin: MaxStandIn, sessionmaker: async_sessionmaker):
    made: list[Bot] = []

    def make(**options: Any) -> Bot:
        made.append(bot_over(Channels(None, max_session(standin, sessionmaker, **options))))
        return made[-1]

    yield make
    for bot in made:
        await bot.session.close()


@pytest.fixture
async def bot(make_bot: Callable[..., Bot], standin: MaxStandIn) -> Bot:
    standin.push_bot_started(ANNA)  # her dialog exists
    return make_bot()


# -- sending and editing


async def test_html_goes_to_max_as_html(bot: Bot, standin: MaxStandIn,
                                        sessionmaker: async_sessionmaker) -> None:
    sent = await bot.send_message(ANNA_ADDRESS, "<b>Привет</b>, Анна")
    (request,) = standin.calls("/messages", "POST")
    assert request.query == {"user_id": str(ANNA["user_id"])}
    assert request.body == {"text": "<b>Привет</b>, Анна", "format": "html"}
    (shown,) = standin.chat(ANNA["user_id"])
    assert shown.text == "Привет, Анна"
    assert shown.markup == [{"type": "strong", "from": 0, "length": 6}]
    assert sent.chat.id == ANNA_ADDRESS
    # Known by its seq in the chat; its mid is kept for a restart once the bot stops.
    assert sent.message_id == shown.message["body"]["seq"]
    await bot.session.close()
    assert await MessageIds(sessionmaker).mid(ANNA_ADDRESS, sent.message_id) == shown.mid


async def test_plain_text_has_no_format(bot: Bot, standin: MaxStandIn) -> None:
    await bot.send_message(ANNA_ADDRESS, "1 < 2", parse_mode=None)
    assert standin.calls("/messages", "POST")[-1].body == {"text": "1 < 2"}


async def test_a_group_is_written_to_by_its_chat_id(bot: Bot, standin: MaxStandIn) -> None:
    standin.push_bot_added(GROUP_ID, ANNA)
    sent = await bot.send_message(from_max(GROUP_ID), "Всем привет")
    assert standin.calls("/messages", "POST")[-1].query == {"chat_id": str(GROUP_ID)}
    assert [shown.text for shown in standin.chat(GROUP_ID)] == ["Всем привет"]
    assert sent.chat.id == from_max(GROUP_ID)


async def test_an_inline_keyboard_becomes_callback_and_link_buttons(
        bot: Bot, standin: MaxStandIn) -> None:
    await bot.send_message(ANNA_ADDRESS, "Готовы?", reply_markup=KEYBOARD)
    (shown,) = standin.chat(ANNA["user_id"])
    assert [[(b["type"], b["text"], b.get("payload") or b.get("url")) for b in row]
            for a in shown.attachments() for row in a["payload"]["buttons"]] == [
        [("callback", "Да", "yes"), ("callback", "Нет", "no")],
        [("link", "Сайт", "https://example.org/help")]]


async def test_a_reply_keyboard_becomes_message_buttons(bot: Bot, standin: MaxStandIn) -> None:
    menu = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="Анкеты")],
                                         [KeyboardButton(text="Помощь")]], resize_keyboard=True)
    await bot.send_message(ANNA_ADDRESS, "Меню", reply_markup=menu)
    (shown,) = standin.chat(ANNA["user_id"])
    assert [(b["type"], b["text"]) for b in shown.keyboard()] == [("message", "Анкеты"),
                                                                   ("message", "Помощь")]


async def test_an_edit_changes_the_same_message_even_after_a_restart(
        bot: Bot, make_bot: Callable[..., Bot], standin: MaxStandIn) -> None:
    sent = await bot.send_message(ANNA_ADDRESS, "Вопрос", reply_markup=KEYBOARD)
    (original,) = standin.chat(ANNA["user_id"])
    # Without reply_markup, as in Telegram, the keyboard goes.
    # Answered as Telegram answers an edit: with the message (views check it is one).
    edited = await bot.edit_message_text("Ответ", chat_id=ANNA_ADDRESS,
                                         message_id=sent.message_id)
    assert (edited.message_id, edited.chat.id, edited.text) == (
        sent.message_id, ANNA_ADDRESS, "Ответ")
    (shown,) = standin.chat(ANNA["user_id"])
    assert (shown.mid, shown.text, shown.keyboard()) == (original.mid, "Ответ", [])

    await bot.session.close()  # a stop keeps what it sent
    restarted = make_bot()
    await restarted.edit_message_text("Снова вопрос", chat_id=ANNA_ADDRESS,
                                      message_id=sent.message_id, reply_markup=KEYBOARD)
    (shown,) = standin.chat(ANNA["user_id"])
    assert shown.mid == original.mid and shown.text == "Снова вопрос"
    assert [label for label, _ in shown.buttons()] == ["Да", "Нет", "Сайт"]
    await restarted.edit_message_reply_markup(chat_id=ANNA_ADDRESS, message_id=sent.message_id)
    (shown,) = standin.chat(ANNA["user_id"])
    assert shown.text == "Снова вопрос" and shown.keyboard() == []


async def test_a_press_is_answered_only_with_something_to_say(bot: Bot,
                                                              standin: MaxStandIn) -> None:
    await bot.send_message(ANNA_ADDRESS, "Готовы?", reply_markup=KEYBOARD)
    (shown,) = standin.chat(ANNA["user_id"])
    callback_id = standin.push_callback(ANNA, shown.mid, "yes")["callback"]["callback_id"]
    assert await bot.answer_callback_query("max:" + callback_id) is True
    assert standin.calls("/answers") == []
    assert await bot.answer_callback_query("max:" + callback_id, text="Сохранено") is True
    (answer,) = standin.calls("/answers")
    assert answer.query == {"callback_id": callback_id} and answer.ok
    assert standin.alerts(ANNA["user_id"]) == ["Сохранено"]


# -- files


async def test_a_document_is_uploaded_and_sent_once_max_has_it(
        make_bot: Callable[..., Bot], standin: MaxStandIn) -> None:
    standin.push_bot_started(ANNA)
    sleeps = Sleeps()
    bot = make_bot(sleeps=sleeps)
    data = b"%PDF-1.4 the report"
    sent = await bot.send_document(ANNA_ADDRESS, BufferedInputFile(data, "report.pdf"),
                                   caption="<b>Отчёт</b>")
    (upload,) = standin.uploads_to(ANNA["user_id"])
    assert (upload.kind, upload.filename, upload.data) == ("file", "report.pdf", data)
    assert upload.authorization is None  # the token goes to MAX's API, not the upload host
    # The first send met attachment.not.ready; it was sent again after a (fake) pause.
    assert [r.status for r in standin.calls("/messages", "POST")] == [400, 200]
    assert sleeps == [NOT_READY_PAUSES[0]]
    (shown,) = standin.chat(ANNA["user_id"])
    assert shown.text == "Отчёт" and sent.chat.id == ANNA_ADDRESS


async def test_a_photo_is_uploaded_as_an_image(make_bot: Callable[..., Bot],
                                               standin: MaxStandIn) -> None:
    standin.push_bot_started(ANNA)
    bot = make_bot()
    data = b"\x89PNG\r\n\x1a\n a picture"
    await bot.send_photo(ANNA_ADDRESS, BufferedInputFile(data, "chart.png"),
                         reply_markup=KEYBOARD)
    (upload,) = standin.uploads_to(ANNA["user_id"])
    assert (upload.kind, upload.data) == ("image", data)
    (shown,) = standin.chat(ANNA["user_id"])
    assert [a["type"] for a in shown.attachments()] == ["image", "inline_keyboard"]


async def test_an_upload_never_ready_is_given_up(make_bot: Callable[..., Bot],
                                                 standin: MaxStandIn) -> None:
    standin.push_bot_started(ANNA)
    standin.not_ready_times = len(NOT_READY_PAUSES) + 1
    sleeps = Sleeps()
    with pytest.raises(TelegramBadRequest, match=r"attachment\.not\.ready"):
        await make_bot(sleeps=sleeps).send_document(ANNA_ADDRESS,
                                                    BufferedInputFile(b"x", "a.txt"))
    assert sleeps == list(NOT_READY_PAUSES)


# -- the command menu


async def test_the_menu_for_all_private_chats_is_set_with_maxs_method(
        bot: Bot, standin: MaxStandIn) -> None:
    assert await bot.set_my_commands(COMMANDS, scope=BotCommandScopeAllPrivateChats()) is True
    (patch,) = standin.calls("/me/commands")
    assert patch.method == "PATCH"
    assert patch.body == {"commands": [{"name": "start", "description": "Начать"},
                                       {"name": "help", "description": "Помощь"}]}
    # MAX has one menu: one language's or one chat's menu is not set.
    await bot.set_my_commands(COMMANDS[:1], scope=BotCommandScopeAllPrivateChats(),
                              language_code="en")
    await bot.set_my_commands(COMMANDS[:1], scope=BotCommandScopeChat(chat_id=ANNA_ADDRESS))
    assert len(standin.calls("/me/commands")) == 1
    assert [c["name"] for c in standin.commands] == ["start", "help"]


# -- MAX's refusals as aiogram's exceptions


# MAX documents the status, not the body of its 429: the code may be anything.
@pytest.mark.parametrize("code", ["too.many.requests", "limit.exceeded"])
async def test_too_many_requests_is_retry_after(bot: Bot, standin: MaxStandIn, code: str) -> None:
    standin.fail("POST", "/messages", 429, code)
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(ANNA_ADDRESS, "Раз")
    await bot.send_message(ANNA_ADDRESS, "Два")
    assert [shown.text for shown in standin.chat(ANNA["user_id"])] == ["Два"]


async def test_a_server_error_is_a_server_error(bot: Bot, standin: MaxStandIn) -> None:
    standin.fail("POST", "/messages", 503)
    with pytest.raises(TelegramServerError):
        await bot.send_message(ANNA_ADDRESS, "Раз")


async def test_a_person_who_stopped_the_bot_is_forbidden(bot: Bot, standin: MaxStandIn) -> None:
    standin.push_bot_stopped(ANNA)
    with pytest.raises(TelegramForbiddenError):
        await bot.send_message(ANNA_ADDRESS, "Вы здесь?")


async def test_editing_an_unknown_message_is_a_bad_request(
        bot: Bot, standin: MaxStandIn, sessionmaker: async_sessionmaker) -> None:
    with pytest.raises(TelegramBadRequest):  # a number never given
        await bot.edit_message_text("?", chat_id=ANNA_ADDRESS, message_id=10**9)
    bot.session.max.message_ids.remember(ANNA_ADDRESS, 5, "mid.ffffffffffffffffffffffffffffffff")
    with pytest.raises(TelegramBadRequest):  # a message MAX does not know
        await bot.edit_message_text("?", chat_id=ANNA_ADDRESS, message_id=5)


async def test_a_refusal_in_a_200_answer_is_a_bad_request(bot: Bot, standin: MaxStandIn) -> None:
    sent = await bot.send_message(ANNA_ADDRESS, "Было")
    standin.edit_quirk = True
    with pytest.raises(TelegramBadRequest):
        await bot.edit_message_text("Стало", chat_id=ANNA_ADDRESS, message_id=sent.message_id)
    assert standin.chat(ANNA["user_id"])[0].text == "Было"


async def test_a_wrong_token_is_unauthorized(make_bot: Callable[..., Bot],
                                             standin: MaxStandIn) -> None:
    standin.push_bot_started(ANNA)
    with pytest.raises(TelegramUnauthorizedError):
        await make_bot(token="not-the-token").send_message(ANNA_ADDRESS, "?")


async def test_an_unreachable_max_is_a_network_error(make_bot: Callable[..., Bot]) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    with pytest.raises(TelegramNetworkError):
        await make_bot(url=f"http://127.0.0.1:{port}").send_message(ANNA_ADDRESS, "?")


# -- one Bot for both messengers


class TelegramSession(BaseSession):
    """Telegram's side: records the methods and answers as Telegram would in shape."""

    def __init__(self) -> None:
        super().__init__()
        self.methods: list[TelegramMethod[Any]] = []

    async def make_request(self, bot: Bot, method: TelegramMethod[Any],
                           timeout: int | None = None) -> Any:  # noqa: ASYNC109
        self.methods.append(method)
        if isinstance(method, GetMe):
            return User(id=42, is_bot=True, first_name="Bot", username="mentoring_tg_bot")
        if isinstance(method, SendMessage):
            return Message(message_id=len(self.methods), date=datetime.now(UTC), text=method.text,
                           chat=Chat(id=int(method.chat_id), type="private"))
        return True

    async def close(self) -> None:
        pass

    async def stream_content(self, *args: Any, **kwargs: Any):  # pragma: no cover
        raise NotImplementedError
        yield b""


async def test_each_request_goes_to_the_messenger_of_its_chat(
        standin: MaxStandIn, sessionmaker: async_sessionmaker) -> None:
    standin.push_bot_started(ANNA)
    telegram = TelegramSession()
    bot = bot_over(Channels(telegram, max_session(standin, sessionmaker)), "4200:telegram")
    try:
        await bot.send_message(123456789, "Telegram")
        await bot.send_message(-1001234567890, "Telegram group")
        assert standin.calls("/messages") == []
        await bot.send_message(ANNA_ADDRESS, "MAX")
        assert [m.text for m in telegram.methods] == ["Telegram", "Telegram group"]
        assert [s.text for s in standin.chat(ANNA["user_id"])] == ["MAX"]

        mid = standin.chat(ANNA["user_id"])[0].mid
        callback_id = standin.push_callback(ANNA, mid, "yes")["callback"]["callback_id"]
        await bot.answer_callback_query("max:" + callback_id, text="MAX")
        await bot.answer_callback_query("4242424242", text="Telegram")
        assert standin.alerts(ANNA["user_id"]) == ["MAX"]
        assert [m.text for m in telegram.methods if isinstance(m, AnswerCallbackQuery)] == [
            "Telegram"]

        await bot.set_my_commands(COMMANDS, scope=BotCommandScopeAllPrivateChats())
        assert len(standin.calls("/me/commands")) == 1
        assert sum(isinstance(m, SetMyCommands) for m in telegram.methods) == 1
        await bot.set_my_commands(COMMANDS, scope=BotCommandScopeChat(chat_id=900))
        assert sum(isinstance(m, SetMyCommands) for m in telegram.methods) == 2

        assert await start_link(bot, ANNA_ADDRESS, "inv42") == \
            "https://max.ru/standin_bot?start=inv42"
        assert await start_link(bot, 123456789, "inv42") == \
            "https://t.me/mentoring_tg_bot?start=inv42"
    finally:
        await bot.session.close()


async def test_a_messenger_not_configured_is_refused(bot: Bot, standin: MaxStandIn) -> None:
    with pytest.raises(TelegramBadRequest, match="no telegram channel"):
        await bot.send_message(123456789, "Telegram")


async def test_a_reply_does_not_wait_for_the_database_its_update_holds(
        bot: Bot, standin: MaxStandIn, sessionmaker: async_sessionmaker) -> None:
    """An update may hold the database's write lock (models.db.lock) when it replies; the
    reply's message id is kept after, not before it returns, or on SQLite the reply would wait
    for the lock its own update holds (30 s, then fail after MAX had sent it)."""
    async with sessionmaker() as session:
        await session.execute(text("CREATE TABLE IF NOT EXISTS held (id INTEGER)"))
        await session.commit()
        await session.execute(text("INSERT INTO held VALUES (1)"))  # the writer, held
        sent = await asyncio.wait_for(bot.send_message(ANNA_ADDRESS, "Выберите вариант"), 5)
        assert sent.message_id == standin.chat(ANNA["user_id"])[-1].message["body"]["seq"]
        await session.rollback()
    await bot.session.close()
    assert await MessageIds(sessionmaker).mid(ANNA_ADDRESS, sent.message_id) is not None
