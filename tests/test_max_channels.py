"""Telegram and MAX served by one app: one database, one outbox, one scheduler, each message
going out through its person's messenger. In process, with the controllable clock: Telegram's
side over the mocked session, MAX's through the MAX stand-in."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.factory import build_app
from bot.max.receiving import feed
from domain.messengers import Messenger, from_max, messenger_of
from models import MaxMessage, OutboxMessage, User
from tests.conftest import FakeTime, Running
from tests.flows import active_pair, propose_meeting, the_pair
from tests.max_inprocess import MaxChatter, two_channel_bot
from tests.max_standin import MaxStandIn
from tests.telegram import Person, texts

pytestmark = pytest.mark.db


class TwoChannels(Running):
    """Running (tests/conftest.py) with the bot both tokens build: people whose ids are in
    `on_max` talk to it in MAX."""

    def __init__(self, app, standin: MaxStandIn, on_max: set[int]) -> None:
        self.app, self.standin, self.on_max = app, standin, on_max
        self.bot = two_channel_bot(standin, app.sessionmaker)
        self.time = FakeTime()
        self.outbox = app.outbox_worker(self.bot, sleep=self.time.sleep,
                                        monotonic=self.time.monotonic)
        self.outbox.auto_kick = False

    async def stop(self) -> None:
        # Its MAX client first: the message ids it still keeps need the database.
        await self.bot.session.close()
        await super().stop()

    def person(self, user_id: int = 1001, language_code: str = "ru",
               **kwargs) -> Person | MaxChatter:
        if user_id in self.on_max:
            return MaxChatter(self.app.dispatcher, self.bot, self.standin, user_id,
                              after_update=self.outbox.pump, **kwargs)
        return super().person(user_id, language_code, **kwargs)


@pytest.fixture
async def max_standin() -> AsyncIterator[MaxStandIn]:
    standin = MaxStandIn(token="max-token-for-the-in-process-tests-0123")
    await standin.start()
    yield standin
    await standin.stop()


@pytest.fixture
async def two_channels(make_settings, clock, max_standin) -> AsyncIterator[TwoChannels]:
    settings = make_settings(max_token=max_standin.token, max_api_url=max_standin.base_url)
    # The mentee teacher of tests/flows.py (id 200) is in MAX; the mentor and curator not.
    running = await TwoChannels(build_app(settings, clock=clock), max_standin, {200}).start()
    yield running
    await running.stop()


async def test_a_pair_across_messengers_is_reminded_in_both(two_channels, clock) -> None:
    running = two_channels
    _, petr, anna = await active_pair(running)
    assert isinstance(anna, MaxChatter) and isinstance(petr, Person)
    # The pair's consent and its start reached Анна in MAX, through the outbox.
    assert any("Пара начала работу" in shown.text for shown in anna.messages())
    # Each is told how to reach the other: in the other messenger, named, not linked (a
    # Telegram link does not open in MAX, and an @name there may be somebody else's).
    assert any("Наставляемая 0 (в MAX)" in m.text for m in petr.messages()), \
        [m.text for m in petr.messages()][-3:]
    started = next(shown for shown in anna.messages() if "Пара начала работу" in shown.text)
    assert "Наставник 0 (в Telegram)" in started.text, started.text
    assert "tg://" not in str(started.message), started.message

    await propose_meeting(petr)
    assert "Наставник 0 предлагает встречу" in anna.last.text
    await anna.press("Принять")
    assert "принял(а) встречу 25.11.2026 15:30" in petr.last.text

    clock.current = datetime(2026, 11, 24, 12, 30, tzinfo=UTC)  # a day before, in Moscow
    await running.outbox.pump()
    for person in (anna, petr):
        assert "Напоминание о встрече" in person.last.text, person.last.text
        assert "25.11.2026 15:30" in person.last.text

    async with running.session() as session:
        people = {user.telegram_id: user for user in await session.scalars(select(User))}
        reminders = (await session.scalars(select(OutboxMessage).where(
            OutboxMessage.kind == "meeting-reminder",
            OutboxMessage.status == "sent"))).all()
    assert messenger_of(from_max(200)) is Messenger.MAX and from_max(200) in people
    assert {messenger_of(r.chat_id) for r in reminders} == {Messenger.MAX, Messenger.TELEGRAM}
    # MAX was asked to send them as MAX wants: to the user, as HTML.
    sent = [r for r in running.standin.calls("/messages", "POST")
            if "Напоминание о встрече" in str(r.body.get("text"))]
    assert sent and all(r.query.get("user_id") == "200" and r.body.get("format") == "html"
                        for r in sent)


@pytest.fixture
async def both_in_max(make_settings, clock, max_standin) -> AsyncIterator[TwoChannels]:
    settings = make_settings(max_token=max_standin.token, max_api_url=max_standin.base_url)
    running = await TwoChannels(build_app(settings, clock=clock), max_standin, {100, 200}).start()
    yield running
    await running.stop()


async def test_a_pair_binds_its_max_group_once_the_bot_is_an_admin(both_in_max) -> None:
    running, standin = both_in_max, both_in_max.standin
    _, petr, anna = await active_pair(running)
    group = -70801090403050  # a MAX group's id, as MAX gives them

    async def in_group(raw: dict) -> None:
        await feed(running.app.dispatcher, running.bot, running.bot.session.max, raw)

    await in_group(standin.push_bot_added(group, anna.max_user))
    (hint,) = [shown.text for shown in standin.chat(group) if shown.from_bot]
    assert "администратором" in hint and "Читать все сообщения" in hint
    await in_group(standin.push_user_added(group, petr.max_user))
    standin.make_admin(group)
    await in_group(standin.push_message(anna.max_user, "/link", chat_id=group))
    assert "Чат привязан к паре" in standin.chat(group)[-1].text, standin.chat(group)[-1].text
    pair = await the_pair(running)
    assert pair.chat_id == from_max(group) and messenger_of(pair.chat_id) is Messenger.MAX


async def test_a_pair_across_messengers_cannot_bind_a_max_group(two_channels) -> None:
    """Пётр is in Telegram, so in no MAX group: /link there says so, as for anybody missing."""
    running, standin = two_channels, two_channels.standin
    _, _petr, anna = await active_pair(running)
    group = -70801090403051

    async def in_group(raw: dict) -> None:
        await feed(running.app.dispatcher, running.bot, running.bot.session.max, raw)

    await in_group(standin.push_bot_added(group, anna.max_user))
    standin.make_admin(group)
    await in_group(standin.push_message(anna.max_user, "/link", chat_id=group))
    assert "Сначала добавьте в эту группу всех участников пары" in standin.chat(group)[-1].text
    assert (await the_pair(running)).chat_id is None


async def test_mydata_and_delete_me_in_max(two_channels) -> None:
    """Anna (MAX) gets her data as MAX files, then withdraws: she is erased like anybody, and
    Пётр in Telegram is told without her name."""
    running, standin = two_channels, two_channels.standin
    _, petr, anna = await active_pair(running)
    await anna.send("/mydata")
    names = [upload.filename for upload in standin.uploads_to(anna.max_id)]
    assert "my-data.json" in names and len(names) == 2, names
    data = json.loads(next(upload.data for upload in standin.uploads_to(anna.max_id)
                           if upload.filename == "my-data.json"))
    assert (data["person"]["messenger"], data["person"]["messenger_id"]) == ("max", 200)

    await anna.send("/delete_me")
    said = texts(await anna.press("Да, удалить"))
    assert any("данные удалены" in text for text in said)
    async with running.session() as session:
        erased = await session.scalar(select(User).where(User.erased_at.is_not(None)))
        assert erased.telegram_id < 0 and erased.username is None
        assert await session.scalar(select(User).where(
            User.telegram_id == from_max(200))) is None
    assert "Наставляемая 0" not in petr.last.text

    # Which of the bot's MAX messages went to her goes too: what the erasure found at once,
    # the goodbye, kept after it, at the planner's next sweep.
    await running.bot.session.max.message_ids.close()
    planner = running.app.daily_planner(running.outbox)
    assert await planner.forget_erased_max_messages() >= 1  # at least the goodbye
    async with running.session() as session:
        assert await session.scalar(select(func.count()).select_from(MaxMessage).where(
            MaxMessage.chat_id == from_max(200))) == 0


async def test_a_long_text_goes_to_max_in_parts_within_its_limit(two_channels) -> None:
    """MAX takes 4000 characters a text, perhaps with the markup counted: the bot cuts at 3000
    it shows, at line breaks, as it cuts for Telegram at 4096."""
    running, standin = two_channels, two_channels.standin
    standin.push_bot_started({"user_id": 300, "first_name": "Ира", "is_bot": False})
    line = "<b>Строка</b> сводки, в которой много слов\n"
    await running.bot.send_message(from_max(300), line * 100)  # 3,600 shown, 4,300 sent
    parts = [r.body["text"] for r in standin.calls("/messages", "POST") if r.ok]
    assert len(parts) == 2 and all(len(part) <= 4000 for part in parts), [len(p) for p in parts]
    assert "".join(parts).count("Строка") == 100
