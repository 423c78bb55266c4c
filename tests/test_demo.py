"""The demo (issue 16): `python -m bot` with no token runs the real bot against the local
Telegram in the same process, and its page's API is what the page's script uses
(tests/demo_page.py). The browser itself is driven in tests/test_demo_browser.py."""

from __future__ import annotations

import asyncio
import json
import socket
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.demo import keeping
from bot.demo.clock import DemoClock
from bot.demo.people import People
from bot.demo.run import DEMO_SCHOOL
from bot.demo.telegram_api import LocalBotAPI
from bot.demo.time_travel import TimeTravel
from bot.demo.web import Page
from models import Meeting, OutboxMessage, Pair, School, User
from models.db import create_engine
from services import outbox
from tests.conftest import ManualClock
from tests.demo_page import DemoPage, DemoProcess
from tests.e2e_people import FAKE_TOKEN
from tests.flows import active_pair, propose_meeting, stored_user

CURATOR, MASHA, KOLYA = 1001, 1004, 1005


async def register_pupil(page: DemoPage, curator: int, pupil: int, role: str, name: str,
                         answers: list[str]) -> None:
    """The curator's school invitation for `role`, opened by the pupil as a link, and the
    pupil's profile: `answers` are the buttons pressed after the name."""
    await page.send(curator, "/invites")
    await page.press(curator, role)
    await page.start(pupil, page.link(curator))
    await page.press(pupil, "Согласен")
    await page.send(pupil, name, after="Как тебя зовут")
    for label in answers:
        await page.press(pupil, label)
    assert "Профиль заполнен" in "\n".join(page.said(pupil)[-3:])


async def stored(folder: Path, model, *where):
    engine = create_engine(f"sqlite+aiosqlite:///{folder / 'demo.sqlite3'}")
    try:
        async with async_sessionmaker(engine)() as session:
            return list((await session.scalars(select(model).where(*where))).all())
    finally:
        await engine.dispose()


async def test_no_token_runs_the_demo_where_pupils_pair_by_link_and_time_brings_a_reminder(
        tmp_path: Path) -> None:
    demo = DemoProcess(tmp_path)
    address = await demo.start()
    # The one line a newcomer sees: where the page is, and how to run in Telegram instead.
    assert demo.printed().strip().splitlines() == [
        f"Demo: open {address} in a browser; Ctrl-C stops it. To run in Telegram instead, "
        "set BOT_TOKEN (see README.md)."]
    async with aiohttp.ClientSession() as http:
        page = DemoPage(http, address)
        state = await page.state()
        assert [(p["id"], p["hint"]) for p in state["people"]] == [
            (1001, "curator"), (1002, "mentor_teacher"), (1003, "mentee_teacher"),
            (1004, "pupil"), (1005, "pupil")]
        assert not any(chat["started"] for chat in state["chats"])
        assert {"command": "start", "description": "Начать или продолжить"} in \
            page.chat(CURATOR)["commands"]
        async with http.get(address) as response:
            assert response.status == 200 and "<html" in (await response.text()).lower()

        await page.start(CURATOR)
        await page.press(CURATOR, "Согласен")
        await page.send(CURATOR, "Смирнова Ольга Викторовна", after="Как вас зовут")
        assert "Вы куратор программы" in page.said(CURATOR)[-1]
        # The reply keyboard is the chat's main menu.
        assert page.chat(CURATOR)["reply_keyboard"]["keyboard"][0][0]["text"] == "📋 Анкеты"
        await register_pupil(page, CURATOR, MASHA, "Ученик-наставник", "Кузнецова Маша",
                             ["1", "10", "Проекты", "Готово", "Пропустить"])
        await register_pupil(page, CURATOR, KOLYA, "Ученик-наставляемый", "Сидоров Коля",
                             ["7", "Учёба", "Готово", "Пропустить"])

        # Маша invites Коля into a pair by a t.me link, which opens his chat with its payload.
        await page.send(MASHA, "/invite")
        link = page.link(MASHA)
        assert f"https://t.me/{state['bot']['username']}?start={link}" in page.said(MASHA)[-1]
        await page.start(KOLYA, link)
        assert "приглашает тебя в пару" in page.said(KOLYA)[-1]
        await page.press(KOLYA, "Согласен")
        await page.until(lambda s: any("Вы согласны?" in t for t in page.said(MASHA, s)))
        await page.press(MASHA, "Согласен")
        await page.until(lambda s: any("Пара начала работу" in t for t in page.said(KOLYA, s)))
        # Their group chat, with the bot in it, bound to the pair.
        status, made = await page.post("groups", title="Маша и Коля", members=[MASHA, KOLYA])
        assert status == 200
        group = made["chat"]["id"]
        await page.send(MASHA, "/link", chat=group)
        assert page.said(group)[-1].startswith("Чат привязан к паре")

        # A meeting the day after tomorrow, in the demo's time.
        await page.send(MASHA, "/meet")
        today = datetime.fromisoformat(page.seen["clock"]["now"]).astimezone(
            ZoneInfo(page.seen["clock"]["timezone"]))
        await page.press(MASHA, (today + timedelta(days=2)).strftime("%d.%m"))
        for typed in ("15:30", "Библиотека", "Подготовка к олимпиаде"):
            await page.send(MASHA, typed)
        await page.press(MASHA, "Сделаем вместе")
        await page.press(MASHA, "Один раз")
        await page.until(lambda s: any("предлагает встречу" in t for t in page.said(KOLYA, s)))
        await page.press(KOLYA, "Принять")

        # «Перемотать время»: a day, then another; the reminder comes a day before the meeting.
        status, answer = await page.post("time", seconds=86400)
        assert status == 200 and answer["clock"]["shifted_seconds"] >= 86400 - 5
        assert not any("Напоминание о встрече" in t for t in page.said(KOLYA, await page.quiet()))
        status, _ = await page.post("time", seconds=86400)
        await page.until(lambda s: all(any("Напоминание о встрече" in t for t in page.said(
            pupil, s)) for pupil in (MASHA, KOLYA)))

    assert await demo.stop() == 0
    # What the bot stored is in the demo's own database.
    (pair,) = await stored(tmp_path, Pair)
    assert (pair.status, pair.form, pair.chat_id) == ("active", "pupil_pupil", group)
    (meeting,) = await stored(tmp_path, Meeting)
    assert meeting.status == "accepted"
    reminders = await stored(tmp_path, OutboxMessage, OutboxMessage.kind == "meeting-reminder")
    sent = [r for r in reminders if r.status == "sent"]
    assert len(sent) == 2 and all(r.due_at == meeting.starts_at - timedelta(days=1)
                                  for r in sent)
    users = await stored(tmp_path, User)
    assert {u.telegram_id for u in users} == {CURATOR, MASHA, KOLYA}
    assert [school.name for school in await stored(tmp_path, School)] == [DEMO_SCHOOL]
    assert json.loads((tmp_path / "demo-clock.json").read_text())["shift"] >= 2 * 86400 - 5



async def test_a_restarted_demo_keeps_its_chats_and_fresh_starts_it_over(tmp_path: Path) -> None:
    anna, ivan = 1003, 1002
    demo = DemoProcess(tmp_path)
    async with aiohttp.ClientSession() as http:
        page = DemoPage(http, await demo.start())
        await page.start(anna)
        await page.press(anna, "Согласен")
        status, _ = await page.post("people", first_name="Петя", hint="pupil")
        assert status == 200
        before = page.chat(anna, await page.quiet())["messages"]
    assert await demo.stop() == 0

    again = DemoProcess(tmp_path)
    async with aiohttp.ClientSession() as http:
        page = DemoPage(http, await again.start())
        state = await page.state()
        assert page.chat(anna, state)["messages"] == before
        assert [p["first_name"] for p in state["people"]][-1] == "Петя"
        # The bot answers the updates after the restart (their ids go on, none is taken for
        # one it handled), in a new chat and in the old one.
        await page.start(ivan)
        assert "Согласие на обработку персональных данных" in page.said(ivan)[-1]
        await page.press(anna, "Наставляемый (педагог)")
        assert "Как вас зовут" in page.said(anna)[-1]
    assert await again.stop() == 0
    assert len(await stored(tmp_path, User)) == 1

    # `demo` runs the demo next to a configured token too.
    fresh = DemoProcess(tmp_path, "demo", "--fresh", BOT_TOKEN=FAKE_TOKEN)
    async with aiohttp.ClientSession() as http:
        page = DemoPage(http, await fresh.start())
        state = await page.state()
        assert not any(chat["messages"] for chat in state["chats"])
        assert len(state["people"]) == 5
    assert await fresh.stop() == 0
    assert await stored(tmp_path, User) == []


# -- the page's API in process: what a messenger would not allow is refused -------------------


@pytest.fixture
async def page_client(tmp_path: Path):
    api = LocalBotAPI(record=False, bot_username="mentoring_demo_bot")
    await api.start()
    api.bot_user = {"id": 7000001, "is_bot": True, "first_name": "Бот",
                    "username": "mentoring_demo_bot"}
    people = People(api, "ru")
    page = Page(api, people, DemoClock(tmp_path / "clock.json"), None, "Europe/Moscow")
    client = TestClient(TestServer(page.application()))
    await client.start_server()
    yield client, api, people
    await client.close()
    await api.stop()


async def post(client: TestClient, path: str, **body) -> tuple[int, dict]:
    response = await client.post(f"/api/{path}", json=body)
    return response.status, await response.json()


async def test_the_page_refuses_what_telegram_would_not(page_client) -> None:
    client, api, _ = page_client
    await api.call("sendMessage", {"chat_id": "1003", "text": "Вопрос", "reply_markup": json.dumps(
        {"inline_keyboard": [[{"text": "Да", "callback_data": "answer:1"}]]})})
    refused = [
        ("send", {"person": 1003, "chat": 1004, "text": "чужой чат"}, "not a chat of this person"),
        ("send", {"person": 9999, "chat": 9999, "text": "кто я"}, "no such person"),
        ("send", {"person": 1003, "chat": 1003, "text": "   "}, "an empty message is not sent"),
        ("send", {"person": 1003, "chat": 1003, "text": "я" * 4097},
         "a message is at most 4096 characters"),
        ("press", {"person": 1003, "chat": 1003, "message_id": 1, "data": "answer:2"},
         "no such button"),
        ("press", {"person": 1004, "chat": 1003, "message_id": 1, "data": "answer:1"},
         "not a chat of this person"),
        ("start", {"person": 1003, "payload": "x" * 65}, "not an invitation link"),
        ("time", {"seconds": 3600}, "time does not move here"),
        ("time", {"seconds": "3600"}, "time moves by a whole number of seconds"),
        ("time", {"seconds": 10**30}, "time moves forward by up to 31 days"),
        ("time", {"seconds": -60}, "time moves forward by up to 31 days"),
        ("people", {"first_name": "Петя", "hint": []}, "unknown role hint"),
        ("press", {"person": True, "chat": 1003, "message_id": 1, "data": "answer:1"},
         "no such person"),
        ("language", {"language": "de"}, "the language is ru or en"),
        ("people", {"first_name": " "}, "a name is needed"),
        ("groups", {"title": "Пара", "members": [1003, 4242]}, "no such person"),
    ]
    for path, body, why in refused:
        assert await post(client, path, **body) == (400, {"error": why}), path
    response = await client.post("/api/send", data="person=1003&chat=1003&text=hi")
    assert response.status == 400 and await response.json() == {"error": "send JSON"}
    # A site elsewhere whose name resolves here (DNS rebinding) reads nothing.
    response = await client.get("/api/state", headers={"Host": "evil.example:8080"})
    assert response.status == 403
    assert not [u for u in api.pending if "message" in u or "callback_query" in u]


async def test_a_press_waits_for_the_bots_answer_and_markup_in_a_name_stays_text(
        page_client) -> None:
    client, api, _ = page_client
    status, answer = await post(client, "people", first_name="<b>Петя</b>", hint="pupil")
    petya = answer["person"]["id"]
    assert status == 200 and answer["person"]["first_name"] == "<b>Петя</b>"
    await api.call("sendMessage", {"chat_id": str(petya), "text": "Вопрос", "reply_markup":
                                   json.dumps({"inline_keyboard": [[{"text": "Да",
                                                                     "callback_data": "a:1"}]]})})

    async def bot_answers() -> None:
        await api.wait_until(lambda: api.queries, 5)
        (query,) = api.queries
        await api.call("answerCallbackQuery", {"callback_query_id": query, "text": "Сохранено",
                                               "show_alert": "true"})

    answering = asyncio.create_task(bot_answers())
    status, pressed = await post(client, "press", person=petya, chat=petya, message_id=1,
                                 data="a:1")
    await answering
    assert pressed == {"answer": {"text": "Сохранено", "url": None, "show_alert": True}}
    (update,) = [u for u in api.pending if "callback_query" in u]
    assert update["callback_query"]["from"]["first_name"] == "<b>Петя</b>"
    response = await client.get("/api/state")
    chat = next(c for c in (await response.json())["chats"] if c["id"] == petya)
    assert chat["title"] == "<b>Петя</b>" and chat["started"]


async def test_groups_reply_keyboards_and_command_menus_as_telegram_keeps_them(
        page_client) -> None:
    client, api, _ = page_client
    status, answer = await post(client, "groups", title="Пара Маша и Коля", members=[1004, 1005])
    assert status == 200
    group = answer["chat"]["id"]
    (added,) = [u["my_chat_member"] for u in api.pending if "my_chat_member" in u]
    assert (added["chat"]["id"], added["from"]["id"], added["new_chat_member"]["status"]) == (
        group, 1004, "member")
    assert await post(client, "groups/members", chat=group, person=1003) == (200, {"ok": True})
    assert await post(client, "groups/members", chat=group, person=1003) == (
        400, {"error": "already in the group"})
    members = {user: (await api.call("getChatMember", {"chat_id": str(group),
                                                       "user_id": str(user)})).result["status"]
               for user in (1004, 1005, 1003, 1002, 7000001)}
    assert members == {1004: "creator", 1005: "member", 1003: "member", 1002: "left",
                       7000001: "member"}
    await post(client, "send", person=1005, chat=group, text="/link")

    await api.call("sendMessage", {"chat_id": "1003", "text": "Меню", "reply_markup": json.dumps(
        {"keyboard": [[{"text": "📋 Анкеты"}]], "resize_keyboard": True})})
    assert api.reply_keyboards[1003]["keyboard"] == [[{"text": "📋 Анкеты"}]]
    await api.call("sendMessage", {"chat_id": "1003", "text": "Всё", "reply_markup": json.dumps(
        {"remove_keyboard": True})})
    assert 1003 not in api.reply_keyboards

    for scope, language, command in (({"type": "default"}, "", "start"),
                                     ({"type": "all_private_chats"}, "en", "help"),
                                     ({"type": "chat", "chat_id": 1001}, "", "summary")):
        await api.call("setMyCommands", {"scope": json.dumps(scope), "language_code": language,
                                         "commands": json.dumps([{"command": command,
                                                                  "description": command}])})
    menus = {chat["id"]: [c["command"] for c in chat["commands"]]
             for chat in (await (await client.get("/api/state")).json())["chats"]}
    assert (menus[1001], menus[1002], menus[group]) == (["summary"], ["start"], ["start"])
    await post(client, "language", language="en")
    menus = {chat["id"]: [c["command"] for c in chat["commands"]]
             for chat in (await (await client.get("/api/state")).json())["chats"]}
    assert (menus[1001], menus[1002]) == (["summary"], ["help"])
    messages = {chat["id"]: [m.get("text") for m in chat["messages"]]
                for chat in (await (await client.get("/api/state")).json())["chats"]}
    assert messages[group] == [None, "/link"]  # Telegram's service message, then the text


# -- time ----------------------------------------------------------------------------------


def test_the_demo_clock_keeps_its_shift_and_never_goes_back(tmp_path: Path) -> None:
    path = tmp_path / "clock.json"
    clock = DemoClock(path)
    start = clock.now()
    clock.move_to(start + timedelta(days=2))
    clock.move_to(start + timedelta(days=1))  # backwards: ignored
    again = DemoClock(path)  # a restart
    assert again.shift >= timedelta(days=2) - timedelta(seconds=1)
    assert again.now() - start >= timedelta(days=2)
    path.write_text("{not json")
    assert DemoClock(path).shift == timedelta()


def test_a_new_demo_begins_in_school_hours(tmp_path: Path) -> None:
    zone = ZoneInfo("Europe/Moscow")
    clock = DemoClock(tmp_path / "clock.json")
    clock.begin_in_school_hours(zone)
    local = clock.now().astimezone(zone)
    assert time(10) <= local.time() < time(16) or clock.shift == timedelta()
    assert clock.now() >= datetime.now(UTC) - timedelta(seconds=1)


class MovableClock(ManualClock):
    """The tests' clock, moved by the demo's time control as the demo's own clock is."""

    def move_to(self, moment: datetime) -> None:
        self.current = max(self.current, moment)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(datetime(2026, 11, 22, 9, 0, tzinfo=UTC))


@pytest.mark.db
async def test_moving_time_stops_at_each_moment_owed_so_nothing_comes_late(running, clock):
    _, petr, anna = await active_pair(running)
    await propose_meeting(petr)  # 25.11 15:30 in Moscow
    await anna.press("Принять")
    worker = running.outbox
    travel = TimeTravel(clock, running.app.sessionmaker, worker,
                        running.app.daily_planner(worker), "Europe/Moscow")
    async with running.session() as session:  # owed now, not yet picked up by the worker
        person = await stored_user(session, anna.user.id)
        owed_now = await outbox.schedule(session, kind="test-notice", chat_id=anna.user.id,
                                         user_id=person.id, text_key="help-text",
                                         due_at=clock.current)
        await session.commit()
    start = clock.current
    await travel.forward(timedelta(days=1))
    async with running.session() as session:
        assert (await session.get(OutboxMessage, owed_now.id)).sent_at == start
    assert clock.current == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert "Напоминание о встрече" not in anna.last.text

    await travel.forward(timedelta(days=3))
    assert clock.current == datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    async with running.session() as session:
        done = (await session.scalars(select(OutboxMessage).where(
            OutboxMessage.kind.in_(("meeting-reminder", "meeting-followup"))))).all()
    # Each went out at its own moment: the day before, the hour before, and after the meeting.
    assert sorted({(row.kind, row.due_at) for row in done}) == [
        ("meeting-followup", datetime(2026, 11, 25, 13, 30, tzinfo=UTC)),
        ("meeting-reminder", datetime(2026, 11, 24, 12, 30, tzinfo=UTC)),
        ("meeting-reminder", datetime(2026, 11, 25, 11, 30, tzinfo=UTC))]
    assert all(row.status == "sent" and row.sent_at == row.due_at for row in done)
    late = "Сообщение запоздало"
    for person in (anna, petr):
        said = [m.text for m in person.messages()]
        assert sum("Напоминание о встрече" in t for t in said) == 2
        assert not any(late in t for t in said)

    with pytest.raises(ValueError, match="up to 31 days"):
        await travel.forward(timedelta(days=32))


async def test_a_busy_port_is_one_line_and_exit_code_1(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        demo = DemoProcess(tmp_path, DEMO_PORT=str(taken.getsockname()[1]))
        with pytest.raises(AssertionError, match="did not start"):
            await demo.start()
        assert demo.process is not None and await demo.process.wait() == 1
    (line,) = demo.err.read_text().splitlines()
    assert line.startswith("error: cannot serve the demo on 127.0.0.1:") and \
        line.endswith("set DEMO_PORT to another port")


async def test_the_day_is_planned_at_nine_by_the_demos_clock(clock) -> None:
    """The scheduler's daily job follows the real clock; the demo's own turn follows its."""

    class Planner:
        def __init__(self) -> None:
            self.runs: list[datetime] = []
            self.third = asyncio.Event()

        async def run(self) -> None:
            self.runs.append(clock.current)
            if len(self.runs) == 3:
                self.third.set()

    async def waits(seconds: float) -> None:  # the demo's time passes as it waits
        clock.current += timedelta(seconds=seconds)
        await asyncio.sleep(0)

    planner = Planner()
    travel = TimeTravel(clock, None, None, planner, "Europe/Moscow", sleep=waits)
    clock.current = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)  # 13:00 in Moscow
    planning = asyncio.create_task(travel.plan_daily())
    await asyncio.wait_for(planner.third.wait(), 5)
    planning.cancel()
    assert planner.runs == [datetime(2026, 11, day, 6, 0, tzinfo=UTC) for day in (23, 24, 25)]


async def test_saved_chats_that_do_not_fit_leave_the_demo_new(tmp_path: Path) -> None:
    api = LocalBotAPI(record=False)
    await api.start()
    try:
        people = People(api, "ru")
        api.push_message(people.person(1003).user, "/start")
        saved = json.loads(keeping.snapshot(api, people))
        assert [u["message"]["text"] for u in saved["pending"]] == ["/start"]

        again = LocalBotAPI(record=False, first_update_id=keeping.first_update_id(saved))
        await again.start()
        restored = People(again, "ru")
        keeping.restore(saved, again, restored)
        # What the bot had not taken before the stop reaches it after, with a new id.
        (update,) = again.pending
        assert update["message"]["text"] == "/start"
        assert update["update_id"] >= saved["next_update_id"]
        assert [m.text for m in again.chat(1003)] == ["/start"]
        await again.stop()

        for broken in ({"format": 2}, {**saved, "people": [{"user": {}, "hint": None}]},
                       {**saved, "messages": {"1003": [{"message": {}}]}}, []):
            fresh = LocalBotAPI(record=False)
            new = People(fresh, "ru")
            (tmp_path / "chats.json").write_text(json.dumps(broken))
            keeping.restore(keeping.read(tmp_path / "chats.json") or {}, fresh, new)
            assert len(new.everyone) == 5 and not fresh.messages and not fresh.pending
    finally:
        await api.stop()
