"""Fuzzing the real Dispatcher with thousands of random updates from three people who should see
nothing of a school next door: a registered mentee without pairs, a stranger who never consented,
and the curator of another school.

The school next door is built through the bot first: its curator, a teacher pair with a plan, a
meeting with a note and a rating, a refused proposal with its reason, a pupil pair, a bound group
chat and an announcement, every name and typed answer a distinctive marker. Then each fuzzer
sends random text (odd Unicode, NUL bytes, HTML-like strings, 20,000 characters), the commands
of the README with random arguments, stickers, photos, documents, contacts, locations and voice
where text is expected, random callback data (CallbackData classes with any values, malformed
and foreign data) on any message, one too old to show or an inline one, and the buttons the bot
really showed them; each example starts somewhere a typed answer is awaited (a questionnaire,
a profile field, an order number, an announcement, a meeting's place) and types garbage first.
Between them runs a sweep of forged buttons: every CallbackData class with every real id of its
kind (the other school's pairs, people, answers, meetings, schools, roles, campaigns).

After every update: no ERROR was logged (handlers/errors.py logs each failure) and feed_update did
not raise; nothing the bot sent (texts, captions, buttons, alerts, file contents, XLSX and CSV
inside their ZIPs) contains a marker; nothing went to the other school's chats, now or later
(the outbox); every pressed button got its answer; and every message is one Telegram would take
(valid HTML, within its limits).

The examples share one world, so a failure may not repeat when Hypothesis runs the example again
(it then reports a FlakyFailure around the original error): each assertion names the one update
that broke it. FUZZ_SCALE multiplies the number of examples.
"""

from __future__ import annotations

import asyncio
import io
import itertools
import logging
import os
import random
import re
import zipfile
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from html import unescape
from typing import Any, get_args

import pytest
from aiogram.filters.callback_data import CallbackData
from aiogram.methods import (
    AnswerCallbackQuery,
    TelegramMethod,
)
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    Chat,
    Contact,
    Dice,
    Document,
    InaccessibleMessage,
    InlineKeyboardMarkup,
    Location,
    Message,
    PhotoSize,
    ReplyKeyboardMarkup,
    Sticker,
    Venue,
    Voice,
)
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from sqlalchemy import func, select

import handlers.callbacks as callbacks
from handlers.callbacks import MeetHeld, MeetRate
from models import (
    Campaign,
    Invite,
    Meeting,
    OutboxMessage,
    Pair,
    PairMember,
    PlanItem,
    Response,
    School,
    User,
    UserRole,
)
from services import schools
from services.people import forget, school_named
from tests.conftest import CURATOR_ID
from tests.flows import (
    PUPIL_MENTEE,
    PUPIL_MENTOR,
    TEACHER_MENTEE,
    TEACHER_MENTOR,
    consent,
    fill_profile,
    join,
)
from tests.telegram import Person, texts

pytestmark = pytest.mark.db

SECRET_SCHOOL = "Секретная школа №7"
# Everything typed into the bot by the people of the school next door. None of it may ever reach
# the fuzzers. Compared case-insensitively.
MARKERS = (
    "Кураторова", "Секретова", "Тайнова", "Отказова", "Ученикова", "Тайноученик",
    "Секретная школа", "tajna_secretova", "otkaz_hidden",
    "МЕНТОР-СЕКРЕТ-77", "ТАЙНЫЙ-ОТВЕТ-42", "ВЫГОРАНИЕ-СЕКРЕТ-3", "ПЛАН-СЕКРЕТ-13",
    "МЕСТО-СЕКРЕТ-5", "ТЕМА-СЕКРЕТ-6", "ЗАМЕТКА-СЕКРЕТ-7", "ОБЪЯВЛЕНИЕ-СЕКРЕТ-8",
    "ПРИЧИНА-СЕКРЕТ-9",
)
CURATOR, MENTOR, MENTEE, DECLINER, PUPIL_MENTOR_ID, PUPIL_ID = (
    CURATOR_ID, 5550001001, 5550001002, 5550001003, 5550001004, 5550001005)
VICTIM_GROUP = -1005550000777
VICTIMS = (CURATOR, MENTOR, MENTEE, DECLINER, PUPIL_MENTOR_ID, PUPIL_ID, VICTIM_GROUP)
# Their Telegram ids too (a contact link is tg://user?id=…); 900 is too short to look for.
MARKERS += tuple(str(telegram_id) for telegram_id in VICTIMS[1:])
# The fuzzers, their group chat, and the curator's own school (whose people she may see).
FUZZER, STRANGER, OTHER_CURATOR, OWN_MENTEE = 5550002001, 5550002002, 5550002003, 5550002004
FUZZ_GROUP = -1005550009999
# What handlers/errors.py says after a failure, or when the database is away.
APOLOGIES = ("Что-то пошло не так", "База данных сейчас занята", "Something went wrong",
             "The database is busy")
FUZZER_PROFILE = {**TEACHER_MENTEE, "name": "Фаззер Тестовый", "school": "Гимназия Фаззера"}
OWN_SCHOOL = "Гимназия 2"

# FUZZ_SCALE=10 fuzzes ten times as long (a nightly run, say). Each update takes PostgreSQL up
# to twice as long as SQLite here, so it gets fewer of them by default.
SCALE = float(os.environ.get("FUZZ_SCALE", "1")) * (
    0.75 if os.environ.get("TEST_DATABASE_URL", "").startswith("postgres") else 1)
EXAMPLES = {kind: max(1, round(count * SCALE))
            for kind, count in {"mentee": 85, "stranger": 35, "curator": 60}.items()}
MIN_ACTIONS, MAX_ACTIONS = 10, 40
# No shrinking: every assertion names the one update that broke it, and the world the examples
# share has moved on by then anyway.
FUZZ_SETTINGS = {"deadline": None, "derandomize": True, "database": None,
                 "phases": (Phase.explicit, Phase.generate),
                 "suppress_health_check": [HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large]}


# --- the school next door, built through the bot ----------------------------------------------

@dataclass(repr=False)
class World:
    running: Any
    people: dict[str, Person]
    ids: dict[str, list[int]] = field(default_factory=dict)
    victim_message_ids: list[int] = field(default_factory=list)
    updates: Counter = field(default_factory=Counter)
    examples: Counter = field(default_factory=Counter)
    errors: list[logging.LogRecord] = field(default_factory=list)
    strategies: dict[str, Any] = field(default_factory=dict)
    forged: list[str] = field(default_factory=list)
    swept: int = 0

    @property
    def session(self):
        return self.running.bot.session

    def __repr__(self) -> str:
        return "World(the school next door and the fuzzers)"

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        printer.text(repr(self))


def named(running, user_id: int, username: str | None = None) -> Person:
    person = running.person(user_id)
    if username:
        person.user = person.user.model_copy(update={"username": username})
    return person


async def curator_registers(running, person: Person, name: str, school: str) -> None:
    """The regional curator of a region where `school` exists (a curator is asked no school)."""
    async with running.session() as session:
        await school_named(session, school)
        await session.commit()
    await consent(person)
    await person.send(name)
    assert "Профиль заполнен" in "\n".join(m.text for m in person.messages()[-3:])


async def build_school_next_door(running) -> dict[str, Person]:
    curator = running.person(CURATOR)
    await curator_registers(running, curator, "Кураторова Секретная Ивановна", SECRET_SCHOOL)
    mentor = named(running, MENTOR, "tajna_secretova")
    await join(running, curator, mentor, {**TEACHER_MENTOR, "name": "Секретова Тайна Сергеевна",
                                          "school": SECRET_SCHOOL}, "Наставник (педагог)")
    await mentor.press("Начать: Диагностика: сильные")
    for score in [3, 3, 3, 3, 0, 0, 0, 0]:
        await mentor.press(str(score))
    await mentor.send("МЕНТОР-СЕКРЕТ-77")
    mentee = running.person(MENTEE)
    await join(running, curator, mentee, {**TEACHER_MENTEE, "name": "Тайнова Скрытая Петровна",
                                          "school": SECRET_SCHOOL, "category": "Выгорание"},
               "Наставляемый (педагог)")
    await mentee.press("Начать: Диагностика")
    for score in [3, 2, 0, 0, 0, 0, 0, 3]:
        await mentee.press(str(score))
    await mentee.send("ВЫГОРАНИЕ-СЕКРЕТ-3")
    await mentee.send("ТАЙНЫЙ-ОТВЕТ-42")
    await curator.send("/match")
    await curator.press("Принять")
    await mentee.press("Согласен")
    await mentor.press("Согласен")
    assert "Пара начала работу" in mentor.last.text
    await mentor.send("/plan")
    await mentor.press("Добавить пункт")
    await mentor.send("ПЛАН-СЕКРЕТ-13")
    await mentor.send("25.12")
    await mentor.send("/meet")
    await mentor.press("25.11")
    await mentor.send("15:30")
    await mentor.send("МЕСТО-СЕКРЕТ-5")
    await mentor.send("ТЕМА-СЕКРЕТ-6")
    await mentor.press("Сделаем вместе")
    await mentor.press("Один раз")
    await mentee.press("Принять")
    async with running.session() as session:
        meeting = await session.scalar(select(Meeting))
    await mentor.press_data(MeetHeld(meeting=meeting.id, held=True).pack())
    await mentor.send("ЗАМЕТКА-СЕКРЕТ-7")
    await mentee.press_data(MeetRate(meeting=meeting.id, score=5).pack())
    await mentor.send("/link", chat=Chat(id=VICTIM_GROUP, type="group", title="Пара"))
    decliner = named(running, DECLINER, "otkaz_hidden")
    await join(running, curator, decliner, {**TEACHER_MENTEE, "name": "Отказова Тайная Ильинична",
                                            "school": SECRET_SCHOOL}, "Наставляемый (педагог)")
    await curator.send("/match")
    await curator.press("Принять")
    await decliner.press("Отказаться")
    await decliner.send("ПРИЧИНА-СЕКРЕТ-9")
    assert "причина передана куратору" in decliner.last.text
    pupil_mentor = running.person(PUPIL_MENTOR_ID)
    await join(running, curator, pupil_mentor, {**PUPIL_MENTOR, "name": "Ученикова Секретная",
                                                "school": SECRET_SCHOOL}, "Ученик-наставник")
    said = texts(await pupil_mentor.send("/invite"))
    payload = re.search(r"\?start=(i_[A-Z0-9]+)", said[-1]).group(1)
    pupil = running.person(PUPIL_ID)
    # Pupils pair once confirmed in the school: the pupil comes by the school's invitation.
    await join(running, curator, pupil, {**PUPIL_MENTEE, "name": "Тайноученик Коля",
                                         "school": SECRET_SCHOOL}, "Ученик-наставляемый")
    await pupil.send(f"/start {payload}")
    await pupil.press("Согласен")
    await pupil_mentor.press("Согласен")
    assert "Пара начала работу" in pupil_mentor.last.text
    await pupil_mentor.send("/invite")  # an invitation nobody used
    await curator.send("/broadcast")
    await curator.press("Написать текст")
    await curator.send("ОБЪЯВЛЕНИЕ-СЕКРЕТ-8")
    await curator.press("Отправить")
    assert "Доставлено: 5" in curator.last.text
    return {"curator": curator, "mentor": mentor, "mentee": mentee}


async def build_fuzzers(running, curator: Person) -> dict[str, Person]:
    fuzzer = running.person(FUZZER, first_name="Фаззер")
    await register_fuzzer(fuzzer)
    stranger = running.person(STRANGER, language_code="de", first_name="Незнакомец")
    # The curator of another school: a mentor there too, with a pair of her own.
    olga = running.person(OTHER_CURATOR, first_name="Ольга")
    await consent(olga)
    await fill_profile(olga, {**TEACHER_MENTOR, "school": OWN_SCHOOL, "name": "Орлова Ольга"})
    own = running.person(OWN_MENTEE)
    await consent(own)
    await fill_profile(own, {**TEACHER_MENTEE, "school": OWN_SCHOOL, "name": "Свой Наставляемый"})
    await curator.send("/confirm")
    await curator.press(OWN_SCHOOL)
    await curator.press("Орлова Ольга")
    await curator.press("Свой Наставляемый")
    await curator.send("/curators")
    await curator.press(OWN_SCHOOL)
    await curator.press("Сделать куратором: Орлова")
    await olga.send("/match")
    await olga.press("Принять")
    await own.press("Согласен")
    await olga.press("Согласен")
    assert "Пара начала работу" in olga.last.text
    return {"fuzzer": fuzzer, "stranger": stranger, "olga": olga, "own": own}


async def register_fuzzer(fuzzer: Person) -> None:
    await consent(fuzzer)
    await fill_profile(fuzzer, FUZZER_PROFILE)
    assert "Профиль заполнен" in "\n".join(m.text for m in fuzzer.messages()[-3:])


async def real_ids(running) -> dict[str, list[int]]:
    """Every id of the database, the other school's above all, to forge buttons with."""
    async with running.session() as session:
        ids = {}
        for name, column in (("user", User.id), ("pair", Pair.id), ("member", PairMember.id),
                             ("item", PlanItem.id), ("meeting", Meeting.id),
                             ("response", Response.id), ("school", School.id),
                             ("role", UserRole.id), ("campaign", Campaign.id),
                             ("invite", Invite.id)):
            ids[name] = sorted((await session.scalars(select(column))).all())
        ids["telegram"] = list(VICTIMS)
    return ids


async def victim_outbox(running) -> int:
    """Messages owed to the other school's chats, sent or not; but for the region's curator
    (who curates Olga's school too) being told that Olga's pair is cancelled as she left."""
    async with running.session() as session:
        return await session.scalar(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.chat_id.in_(VICTIMS),
            ~((OutboxMessage.chat_id == CURATOR_ID)
              & (OutboxMessage.text_key == "pair-left-curator"))))


class Errors(logging.Handler):
    def __init__(self, sink: list[logging.LogRecord]) -> None:
        super().__init__(logging.ERROR)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(record)


@pytest.fixture
async def world(running):
    people = await build_school_next_door(running)
    people.update(await build_fuzzers(running, people["curator"]))
    await running.outbox.pump()
    for name in ("fuzzer", "stranger", "olga"):
        people[name].after_update = None  # the outbox is pumped after each example instead
    built = World(running, people, ids=await real_ids(running))
    built.victim_message_ids = sorted({m for chat in VICTIMS
                                       for m in built.session.chats.get(chat, {})})
    built.forged = sweep(built)
    handler = Errors(built.errors)
    logging.getLogger().addHandler(handler)
    yield built
    logging.getLogger().removeHandler(handler)
    print(f"\nfuzzed updates: {dict(built.updates)}")
    for kind, count in built.updates.items():
        if built.examples[kind] >= EXAMPLES[kind]:  # (fewer when an example failed)
            # Every example drew its typed answer and at least MIN_ACTIONS more (a press of a
            # button shown when none is feeds nothing, hence the margin).
            assert count >= EXAMPLES[kind] * MIN_ACTIONS // 2, (kind, count)


# --- what the fuzzers send ---------------------------------------------------------------------

ODD = ("\u200f\u200e\u202e\u2066\u2069\u200d\u200b\u200c\ufeff\u0301\u0308\u20dd\x00\x01\x1b\t\n\r"
       "😀👩‍👩‍👧🏳️‍🌈🇷🇺\U0001f9ec\ufffd\u00a0\u3000<>&\"';:/\\{}$%#@!*`~|"
       "ёЁйЙ№«»—–…٠١٢Ω∑∞\u0600\u05d0\ud7ff")
SPECIAL_TEXTS = (
    "", " ", "\n", "\x00", "\x00\x00\x00", "<b>&amp;", "<b>", "</b>", "<a href='x'>x</a>", "&lt;",
    "&", "<<>>", "<i>unclosed", "<script>alert(1)</script>", "-", "+", "да", "нет", "yes", "no",
    "0", "-1", "1", "3", "7", "60", "61", "999999999999999999999999", "1e3", "٣", "１２",
    "15:30", "25:00", "8.00", "25.12", "31.02", "29.02.2027", "15.12.26", "12-О от 01.09.2026",
    "№ 1 от 32.13.2026", "2026-09-01 2026-12-31", "Готово", "Пропустить", "Назад",
    "📋 Анкеты", "👤 Профиль", "🌐 Язык", "❓ Помощь", "Surveys", "/", "//", "/ start",
    "\u200f/start", "/start\x00", "/cancel@mentoring_test_bot", "/help@another_bot",
    "ABCD-EFGH", "i_ABCDEFGH", "Гимназия Фаззера", "МОУ СОШ №1",
)
COMMANDS = ("start", "surveys", "profile", "language", "help", "cancel", "menu", "pair", "plan",
            "invite", "join", "link", "meet", "meetings", "report", "settings", "forget",
            "mydata", "delete_me",
            "invites", "confirm", "curators", "match", "pairs", "summary", "export", "remind",
            "broadcast", "calendar", "START", "Start", "unknown")
ARGUMENTS = (
    "2026-09-01 2026-12-31", "2026-12-31 2026-09-01", "0001-01-01 9999-12-31",
    "9999-12-31 9999-12-31", "0001-01-01 0001-01-01", "2026-02-30 2026-03-01", "2026-09-01",
    "2026-09-01 2026-12-31 2027-01-01", "csv", "CSV", "xlsx", "pdf", "csv 2026-09-01 2026-12-31",
    "csv csv", "2026-09-01 csv 2026-12-31", "diagnosis_mentee", "satisfaction_pupil",
    "preferences_mentor", "ABCD-EFGH", "ABCDEFGH", "i_ABCDEFGH", "i_", "i_!!!", "0", "-1",
    "\x00", "<b>", "&amp;", "p_12345", "a" * 64, "a" * 65,
)
CONTENT = ("sticker", "photo", "document", "contact", "location", "voice", "venue", "dice")
PREFIXES = tuple(sorted({cls.__prefix__ for cls in vars(callbacks).values()
                         if isinstance(cls, type) and issubclass(cls, CallbackData)
                         and cls is not CallbackData}))
EDGE_INTS = (0, -1, 1, 2, 2**31 - 1, 2**31, 2**53 + 1, 2**63 - 1, 2**63, -2**63, -2**63 - 1,
             10**30, date.max.toordinal(), date.max.toordinal() + 1,
             date(2026, 11, 22).toordinal(), date(2026, 9, 1).toordinal())


@dataclass(frozen=True)
class Say:
    """A message from the fuzzer: text, or other content where text is expected."""

    text: str | None
    content: str | None = None
    caption: str | None = None
    where: str = "private"
    edited: bool = False

    def __repr__(self) -> str:
        return (f"Say({short(self.text)}, content={self.content}, caption={short(self.caption)}, "
                f"where={self.where}, edited={self.edited})")


def short(text: str | None) -> str:
    if text is None or len(text) <= 80:
        return repr(text)
    return f"{text[:60]!r}…({len(text)} characters)"


@dataclass(frozen=True)
class Press:
    """Callback data pressed on a message: the fuzzer's own (`own`), any id (`any`), an id of
    the other school's chats (`theirs`), one too old to show (`gone`) or an inline one."""

    data: str
    on: str
    pick: int


@dataclass(frozen=True)
class Forged:
    """The next button of the sweep: every CallbackData class with every real id of its kind
    (somebody else's pair, meeting, answers, school…), in a fixed shuffled order."""


@dataclass(frozen=True)
class PressShown:
    """A button the bot really showed the fuzzer, however old."""

    pick: int


def callback_classes() -> list[type[CallbackData]]:
    return [cls for cls in vars(callbacks).values() if isinstance(cls, type)
            and issubclass(cls, CallbackData) and cls is not CallbackData]


def known_strings(running) -> list[str]:
    from handlers.meeting_proposal import SLOTS
    from handlers.meeting_settings import ZONES
    from handlers.summary_scope import FORMS
    from services.meetings import MODELS, REPEAT_DAYS

    app = running.app
    strings = {"", "0", "1", "-1", "ru", "en", "de", "UTC", "Europe/Nowhere", "../etc",
               "end", "reassign", "cancel", "order", "until", "accept", "decline", "other", "ok",
               "move", "invites", "curators", "confirm", "match", "pairs", "calendar", "summary",
               "20261125", "20261122", "20260230", "99991231", "00010101", "2026112", "0800",
               "1900", "2500", "0860", "ABCDEFGH", "23456789", "peer", "once", "never"}
    strings |= set(ZONES) | set(SLOTS) | set(MODELS) | set(REPEAT_DAYS) | set(FORMS)
    strings |= {q.id for q in app.surveys.catalog} | set(app.calendars)
    strings |= {question.id for q in app.surveys.catalog for question in q.questions}
    strings |= {question.id for question in app.profiles.form.questions}
    from domain.roles import Form, Role
    strings |= {r.value for r in Role} | {f.value for f in Form}
    for enum in (callbacks.Flow, callbacks.Act, callbacks.SummaryView, callbacks.BroadcastField,
                 callbacks.BroadcastStep):
        strings |= {member.value for member in enum}
    return sorted(strings)


def packed(cls: type[CallbackData], values: dict[str, Any]) -> str:
    """The data as CallbackData.pack() would write it, but unchecked: numbers out of any range
    too, and cut at Telegram's 64 bytes when longer."""
    parts = [cls.__prefix__]
    for value in values.values():
        if isinstance(value, Enum):
            value = value.value
        if value is None:
            value = ""  # as CallbackData packs a field left empty
        parts.append(str(int(value)) if isinstance(value, bool) else str(value))
    return ":".join(parts).encode()[:64].decode("utf-8", "ignore")


# Which ids a CallbackData field holds, to forge it with the real ones of that kind.
ID_FIELDS = {"pair": "pair", "item": "item", "meeting": "meeting", "campaign": "campaign",
             "user": "user", "user_id": "user", "mentee": "user", "mentor": "user",
             "replacing": "pair",
             "school": "school", "school_id": "school", "role_id": "role", "ref": "response"}


SWEEP_PER_CLASS = 10


def field_values(world: World, name: str, kind: Any) -> list:
    """What a field is worth forging with: every real id of its kind, else the values the bot
    itself puts there (and a few it does not)."""
    from domain.roles import Role
    from handlers.curators import ACTIONS
    from handlers.meeting_proposal import SLOTS
    from handlers.meeting_settings import ZONES
    from handlers.summary_scope import FORMS
    from services.meetings import MODELS, REPEAT_DAYS

    app = world.running.app
    if kind is bool:
        return [True, False]
    if isinstance(kind, type) and issubclass(kind, Enum):
        return list(kind)
    if kind is int:
        if name in ID_FIELDS:
            return world.ids[ID_FIELDS[name]] or [1]
        today = date(2026, 11, 22).toordinal()
        return {"pick": [-1, 0, 1, 3], "minutes": [0, 60, 1440], "days": [-7, -1, 1, 7],
                "score": [1, 5, 6], "since": [0, today - 29], "until": [0, today],
                "page": [0, 1]}.get(name, [0, 1])
    roles = [role.value for role in Role]
    return {
        "role": roles, "act": ["end", "reassign", "cancel", "order", "until", "accept",
                               "decline", "other", "ok", "move"],
        "code": [q.id for q in app.surveys.catalog] + ["ABCDEFGH"],
        "question": [q.id for q in app.profiles.form.questions] + [
            q.id for questionnaire in app.surveys.catalog for q in questionnaire.questions],
        "action": list(ACTIONS), "calendar": list(app.calendars), "zone": list(ZONES),
        "locale": ["ru", "en"], "day": ["20261125", "20261122"], "at": SLOTS[:3],
        "model": list(MODELS), "repeat": list(REPEAT_DAYS), "form": ["", *FORMS],
        "value": ["", *roles, *FORMS, *(str(i) for i in world.ids["school"])],
        "payload": ["", "i_ABCDEFGH"],
    }.get(name, [""])


def sweep(world: World) -> list[str]:
    """Forged data for every CallbackData class: each real id of its first id field at least
    once, the other fields at random among their values; shuffled, the same every run."""
    forged = []
    for cls in callback_classes():
        rng = random.Random(cls.__prefix__)
        pools = {name: field_values(world, name, info.annotation)
                 for name, info in cls.model_fields.items()}
        first = next((name for name in pools if name in ID_FIELDS), None)
        chosen = []
        for value in pools[first] if first else [None]:
            chosen.append({name: value if name == first else rng.choice(pool)
                           for name, pool in pools.items()})
        while len(chosen) < SWEEP_PER_CLASS:
            chosen.append({name: rng.choice(pool) for name, pool in pools.items()})
        forged += [packed(cls, values) for values in chosen]
    random.Random(0).shuffle(forged)
    return forged


def callback_strategy(world: World) -> st.SearchStrategy[str]:
    """Random callback data: a CallbackData class of handlers/callbacks.py with any numbers
    (real ids among them) and strings, malformed ones, or no CallbackData at all."""
    every_id = sorted({i for ids in world.ids.values() for i in ids})
    ints = st.one_of(st.sampled_from(every_id), st.integers(-3, 40), st.sampled_from(EDGE_INTS),
                     st.integers(-2**70, 2**70))
    words = st.one_of(st.sampled_from(known_strings(world.running)),
                      st.sampled_from([str(i) for i in every_id]),
                      st.text(alphabet=st.characters(exclude_characters=":"), max_size=12))

    def fields_of(cls: type[CallbackData]) -> st.SearchStrategy[str]:
        fields = {}
        for name, info in cls.model_fields.items():
            kind = info.annotation
            if kind is bool:
                fields[name] = st.booleans()
            elif kind is int:
                fields[name] = ints
            elif isinstance(kind, type) and issubclass(kind, Enum):
                fields[name] = st.sampled_from(list(kind))
            elif enums := [arg for arg in get_args(kind)
                           if isinstance(arg, type) and issubclass(arg, Enum)]:
                # An optional enum (AcceptMatch.variant): any of its values, or none.
                fields[name] = st.sampled_from([*enums[0], None])
            else:
                assert kind is str or str in get_args(kind), (cls, name, kind)
                fields[name] = words
        return st.fixed_dictionaries(fields).map(lambda values: packed(cls, values))

    return st.one_of(
        st.sampled_from(callback_classes()).flatmap(fields_of),
        st.text(min_size=1, max_size=64),
        st.binary(min_size=1, max_size=64).map(lambda b: b.decode("utf-8", "replace")),
        st.builds(lambda prefix, rest: f"{prefix}:{rest}"[:64], st.sampled_from(PREFIXES),
                  st.text(max_size=50)),
        st.builds(lambda prefix, parts: ":".join([prefix, *parts])[:64],
                  st.sampled_from(PREFIXES), st.lists(st.sampled_from(
                      ["", "0", "1", "-1", "x", "99999999999999999999", "ru", "s"]), max_size=8)),
    )


def text_strategy() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=40),
        st.text(alphabet=ODD, max_size=40),
        st.sampled_from(SPECIAL_TEXTS),
        st.builds(lambda piece, size: (piece * size)[:size],
                  st.sampled_from(["а", "😀", "<", "&", "\u200d", "x ", "\x00", "<b>&amp;"]),
                  st.sampled_from([199, 200, 201, 300, 301, 1000, 1001, 1500, 1501, 3000, 3001,
                                   4095, 4096, 4097, 20_000])),
        st.builds(lambda before, after: f"{before}\x00{after}", st.text(max_size=12),
                  st.text(max_size=12)),
        st.integers(-10**6, 10**25).map(str),
        st.dates().map(lambda day: day.strftime(
            "%d.%m.%Y") if day.year > 999 else day.isoformat()),
    )


def command_strategy() -> st.SearchStrategy[str]:
    arguments = st.one_of(st.just(""), st.sampled_from(ARGUMENTS), st.text(max_size=30),
                          st.text(alphabet=ODD, max_size=20),
                          st.builds(lambda a, b: f"{a.isoformat()} {b.isoformat()}",
                                    st.dates(), st.dates()))
    mention = st.sampled_from(["", "", "", "@mentoring_test_bot", "@other_bot", "@"])
    return st.builds(lambda name, at, args, sep: f"/{name}{at}{sep}{args}".rstrip(" ")
                     if args else f"/{name}{at}",
                     st.sampled_from(COMMANDS), mention, arguments,
                     st.sampled_from([" ", " ", "  ", "\n", "\u00a0"]))


# How often each kind of update comes, out of len(KINDS).
KINDS = ("say",) * 3 + ("command",) * 3 + ("content",) * 2 + ("forged",) * 5 + ("press",) * 3 \
    + ("shown",) * 2 + ("group", "edited")


def action_strategy(world: World) -> st.SearchStrategy:
    if "actions" not in world.strategies:
        text, command = text_strategy(), command_strategy()
        kinds = {
            "say": st.builds(Say, text=text),
            "command": st.builds(Say, text=command),
            "content": st.builds(Say, text=st.none(), content=st.sampled_from(CONTENT),
                                 caption=st.none() | text),
            "forged": st.just(Forged()),
            "press": st.builds(Press, data=callback_strategy(world),
                               on=st.sampled_from(["own", "any", "theirs", "gone", "inline"]),
                               pick=st.integers(0, 2**31 - 2)),
            "shown": st.builds(PressShown, pick=st.integers(0, 2**16)),
            "group": st.builds(Say, text=text | command, where=st.just("group")),
            "edited": st.builds(Say, text=text | command, edited=st.just(True)),
        }
        world.strategies["actions"] = st.lists(
            st.sampled_from(KINDS).flatmap(kinds.__getitem__),
            min_size=MIN_ACTIONS, max_size=MAX_ACTIONS)
    return world.strategies["actions"]


def drawn(world: World, data) -> list:
    """The example's updates: first a typed answer to whatever is on screen, then the rest."""
    if "typed" not in world.strategies:
        world.strategies["typed"] = st.builds(Say, text=text_strategy())
    return [data.draw(world.strategies["typed"], label="typed"),
            *data.draw(action_strategy(world), label="actions")]


_file_ids = itertools.count(1)


def content_of(kind: str, caption: str | None) -> dict[str, Any]:
    n = next(_file_ids)
    file = {"file_id": f"AgAD{n:08d}", "file_unique_id": f"AQAD{n}"}
    made: dict[str, Any] = {
        "sticker": {"sticker": Sticker(**file, type="regular", width=512, height=512,
                                       is_animated=False, is_video=False, emoji="😀")},
        "photo": {"photo": [PhotoSize(**file, width=90, height=90),
                            PhotoSize(**{**file, "file_id": file["file_id"] + "x"},
                                      width=1280, height=1280)]},
        "document": {"document": Document(**file, file_name="ответы.xlsx", file_size=4096,
                                          mime_type="application/vnd.openxmlformats-"
                                                    "officedocument.spreadsheetml.sheet")},
        "contact": {"contact": Contact(phone_number="+79990000000", first_name="Контакт",
                                       user_id=MENTOR)},
        "location": {"location": Location(latitude=55.75, longitude=37.62)},
        "voice": {"voice": Voice(**file, duration=3, mime_type="audio/ogg")},
        "venue": {"venue": Venue(location=Location(latitude=55.75, longitude=37.62),
                                 title="Кабинет", address="ул. Ленина, 1")},
        "dice": {"dice": Dice(emoji="🎲", value=4)},
    }[kind]
    if caption is not None and kind in ("photo", "document", "voice"):
        made["caption"] = caption
    return made


# --- running the fuzzers -------------------------------------------------------------------------

async def perform(world: World, person: Person, action: Say | Press | PressShown) -> bool:
    """Feed the update the action stands for; False when there was nothing to press."""
    if isinstance(action, Say):
        chat = Chat(id=FUZZ_GROUP, type="supergroup", title="Фаззеры") \
            if action.where == "group" else person.chat
        content = content_of(action.content, action.caption) if action.content else {}
        if action.edited:
            message = Message(message_id=1, date=datetime.now().astimezone(), chat=chat,
                              from_user=person.user, text=action.text,
                              edit_date=int(datetime.now().timestamp()), **content)
            await person.feed(edited_message=message)
        else:
            await person.send(action.text, chat=None if action.where == "private" else chat,
                              **content)
        return True
    if isinstance(action, PressShown):
        shown = [(m.message_id, data) for m in person.messages()
                 for _, data in m.buttons() if data]
        if not shown:
            return False
        message_id, data = shown[action.pick % len(shown)]
        await person.press_data(data, message_id)
        return True
    if action.on in ("own", "any", "theirs"):
        own = [m.message_id for m in person.messages()] or [1]
        message_id = {"own": own[action.pick % len(own)], "any": action.pick + 1,
                      "theirs": world.victim_message_ids[action.pick % len(
                          world.victim_message_ids)]}[action.on]
        await person.press_data(action.data, message_id)
        return True
    message = InaccessibleMessage(chat=person.chat, message_id=action.pick + 1) \
        if action.on == "gone" else None
    query = CallbackQuery(id=f"fuzz{next(_file_ids)}", from_user=person.user, chat_instance="ci",
                          message=message, data=action.data,
                          inline_message_id=None if message else "AAAAinline")
    await person.feed(callback_query=query)
    return True


def strings_in(value: Any) -> Iterator[str]:
    """Every string in a request, the contents of its files included (ZIPs opened)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, BufferedInputFile):
        yield value.filename or ""
        yield from file_strings(value.data)
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from strings_in(getattr(value, name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings_in(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)


def file_strings(data: bytes) -> Iterator[str]:
    text = data.decode("utf-8", "replace")
    yield text
    yield unescape(text)  # XML may spell «Т» as &#1058;
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                yield name
                yield from file_strings(archive.read(name))


def leaks(request: TelegramMethod) -> list[str]:
    said = "\n".join(strings_in(request)).casefold()
    return [marker for marker in MARKERS if marker.casefold() in said]


TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
        "tg-emoji", "code", "pre", "blockquote"}
TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)((?:\s[^<>]*)?)>")


def html_problem(text: str) -> str | None:
    """Why Telegram would refuse this text with parse_mode HTML, or None."""
    opened: list[str] = []
    position = 0
    while (start := text.find("<", position)) >= 0:
        tag = TAG.match(text, start)
        if tag is None:
            return f"a bare '<' at {start}: {text[start:start + 30]!r}"
        closing, name = tag.group(1), tag.group(2).lower()
        if name not in TAGS:
            return f"unsupported tag <{name}>"
        if not closing:
            opened.append(name)
        elif not opened or opened.pop() != name:
            return f"unbalanced </{name}>"
        position = tag.end()
    if opened:
        return f"unclosed <{opened[-1]}>"
    shown = unescape(TAG.sub("", text))
    if not shown.strip():
        return "empty text"
    return None


def telegram_refuses(request: TelegramMethod) -> str | None:
    """Why Telegram would refuse a request, for the limits a reply can break; None if fine."""
    if isinstance(request, AnswerCallbackQuery):
        if request.text is not None and len(request.text) > 200:
            return f"an alert of {len(request.text)} characters"
        return None
    text = getattr(request, "text", None)
    caption = getattr(request, "caption", None)
    for value, limit in ((text, 4096), (caption, 1024)):
        if not isinstance(value, str) or (value == "" and value is caption):
            continue
        problem = html_problem(value)
        if problem:
            return problem
        length = len(unescape(TAG.sub("", value)).encode("utf-16-le")) // 2
        if length > limit:
            return f"{length} characters (at most {limit})"
    markup = getattr(request, "reply_markup", None)
    if isinstance(markup, InlineKeyboardMarkup):
        for row in markup.inline_keyboard:
            for button in row:
                if not button.text.strip():
                    return "a button without text"
                if button.callback_data is not None and \
                        not 1 <= len(button.callback_data.encode()) <= 64:
                    return f"callback data of {len(button.callback_data.encode())} bytes"
    if isinstance(markup, ReplyKeyboardMarkup):
        if any(not button.text.strip() for row in markup.keyboard for button in row):
            return "a keyboard button without text"
    return None


async def fuzz(world: World, person: Person, kind: str,
               start: Callable[[], Awaitable[object]], actions: list) -> None:
    """Put the person where the example starts, then feed the actions one by one; check
    everything the bot did after each step, and what the outbox sends at the end."""
    baseline_outbox = await victim_outbox(world.running)
    before = len(world.session.requests)
    del world.errors[:]
    await start()
    check(world, person, "the start of the example", world.session.requests[before:])
    for action in actions:
        if isinstance(action, Forged):
            action = Press(world.forged[world.swept % len(world.forged)], "own", world.swept)
            world.swept += 1
        before = len(world.session.requests)
        if not await perform(world, person, action):
            continue
        world.updates[kind] += 1
        made = world.session.requests[before:]
        check(world, person, action, made)
        if isinstance(action, PressShown) or (isinstance(action, Press) and action.on != "inline"):
            # Telegram shows a spinner on the button until the bot answers the press.
            assert any(isinstance(r, AnswerCallbackQuery) for r in made), (action, made)
    before = len(world.session.requests)
    await world.running.outbox.pump()
    check(world, person, "the outbox after the example", world.session.requests[before:])
    assert await victim_outbox(world.running) == baseline_outbox
    world.examples[kind] += 1


def check(world: World, person: Person, action: Any, made: list[TelegramMethod]) -> None:
    errors, world.errors[:] = list(world.errors), []
    assert not errors, (action, [
        record.getMessage() + "\n" + (record.exc_text or "") for record in errors])
    assert not any(apology in said for said in texts(made) for apology in APOLOGIES), \
        (action, made)
    # Olga's own mentee may hear of what she does (a meeting proposed, the pair ended, Olga
    # gone from the programme), and so may the region's curator, who curates her school too
    # (told that her pair is cancelled when she leaves); nobody else may.
    allowed = {person.user.id, FUZZ_GROUP} | ({OWN_MENTEE} if person.user.id == OTHER_CURATOR
                                              else set())
    for request in made:
        chat_id = getattr(request, "chat_id", None)
        told_region = person.user.id == OTHER_CURATOR and chat_id == CURATOR_ID and \
            str(getattr(request, "text", "")).startswith("Пара отменена: участник вышел")
        assert chat_id is None or int(chat_id) in allowed or told_region, (action, request)
        assert not leaks(request), (action, leaks(request), request)
        problem = telegram_refuses(request)
        assert problem is None, (action, problem, request)


# --- putting each fuzzer where the example starts ---------------------------------------------

async def stored(world: World, telegram_id: int) -> User | None:
    async with world.running.session() as session:
        user = await session.scalar(select(User).where(User.telegram_id == telegram_id))
        if user is not None:
            await session.refresh(user, ["roles"])
        return user


async def reset(world: World, person: Person) -> None:
    """Forget the person and their conversation state, as if they had never written."""
    async with world.running.session() as session:
        user = await session.scalar(select(User).where(User.telegram_id == person.user.id))
        if user is not None:
            await forget(session, user)
            await session.commit()
    dispatcher = world.running.app.dispatcher
    context = dispatcher.fsm.get_context(world.running.bot, person.chat.id, person.user.id)
    await context.clear()


async def press_labelled(person: Person, label: str, pick: int = 0) -> None:
    found = [(m.message_id, data) for m in person.messages()[-3:] for text, data in m.buttons()
             if label in text and data]
    if found:
        await person.press_data(*reversed(found[pick % len(found)]))


async def start_somewhere(person: Person, start: str, pick: int) -> None:
    """Open a flow that waits for typed input (or not), through the bot."""
    if start == "menu":
        await person.send("/cancel")
    elif start == "survey":
        await person.send("/surveys")
        for label in ("Продолжить", "Начать", "Пройти заново"):
            await press_labelled(person, label, pick)
            if "Вопрос" in person.last.text:
                break
    elif start == "profile":
        await person.send("/profile")
        await press_labelled(person, "✏️", pick)
    elif start == "role":
        await person.send("/profile")
        await press_labelled(person, "роль", pick)
    elif start in ("order", "until"):
        await person.send("/pairs")
        await press_labelled(person, {"order": "Приказ", "until": "Срок"}[start], pick)
    elif start == "broadcast":
        await person.send("/broadcast")
        await press_labelled(person, "Написать текст")
    elif start == "summary":
        await person.send("/summary")
    elif start == "plan":
        await person.send("/plan")
        await press_labelled(person, "Добавить пункт")
    elif start in ("meet-time", "meet-place", "meet-topic"):
        await person.send("/meet")
        await press_labelled(person, ".", pick)  # a day of the day picker
        if start != "meet-time":
            await press_labelled(person, ":", pick)  # a time
        if start == "meet-topic":
            await person.send("Кабинет 5")


async def ensure_registered_fuzzer(world: World) -> Person:
    fuzzer = world.people["fuzzer"]
    user = await stored(world, FUZZER)
    if user is None or not any(role.is_active for role in user.roles):
        await reset(world, fuzzer)
        await register_fuzzer(fuzzer)
    return fuzzer


async def ensure_other_curator(world: World) -> Person:
    """Olga curates her school and mentors a pair there; an earlier example may have ended
    either (she may withdraw her consent, end her pair, take another role)."""
    olga, own, curator = world.people["olga"], world.people["own"], world.people["curator"]
    user = await stored(world, OTHER_CURATOR)
    async with world.running.session() as session:
        curating = user is not None and await schools.is_curator(session, user, ())
    if not curating:
        await reset(world, olga)
        await consent(olga)
        await fill_profile(olga, {**TEACHER_MENTOR, "school": OWN_SCHOOL, "name": "Орлова Ольга"})
        await curator.send("/confirm")
        await curator.press(OWN_SCHOOL)
        await curator.press("Орлова Ольга")
        await curator.send("/curators")
        await curator.press(OWN_SCHOOL)
        await curator.press("Сделать куратором: Орлова")
    async with world.running.session() as session:
        active = await session.scalar(select(func.count(Pair.id)).join(PairMember).join(
            User, User.id == PairMember.user_id).where(
            User.telegram_id == OTHER_CURATOR, Pair.status == "active"))
    if not active:
        await olga.send("/match")
        await press_labelled(olga, "Принять")
        await world.running.outbox.pump()
        await press_labelled(own, "Согласен")
        await press_labelled(olga, "Согласен")
    await world.running.outbox.pump()
    return olga


@settings(max_examples=EXAMPLES["mentee"], **FUZZ_SETTINGS)
@given(start=st.sampled_from(["as-is", "menu", "survey", "survey", "profile", "role"]),
       pick=st.integers(0, 50), data=st.data())
async def test_a_mentee_without_pairs_sees_nothing_of_the_school_next_door(world, start, pick,
                                                                           data):
    actions = drawn(world, data)
    fuzzer = await ensure_registered_fuzzer(world)
    await fuzz(world, fuzzer, "mentee", lambda: start_somewhere(fuzzer, start, pick), actions)


@settings(max_examples=EXAMPLES["stranger"], **FUZZ_SETTINGS)
@given(start=st.sampled_from(["nothing", "/start", "/start i_ABCDEFGH", "/language"]),
       data=st.data())
async def test_a_stranger_who_never_consented_sees_nothing(world, start, data):
    actions = drawn(world, data)
    stranger = world.people["stranger"]
    await reset(world, stranger)
    await fuzz(world, stranger, "stranger",
               lambda: stranger.send(start) if start != "nothing" else asyncio.sleep(0), actions)


@settings(max_examples=EXAMPLES["curator"], **FUZZ_SETTINGS)
@given(start=st.sampled_from(["as-is", "menu", "order", "until", "broadcast", "summary",
                              "plan", "meet-time", "meet-place", "meet-topic", "survey",
                              "profile"]),
       pick=st.integers(0, 50), data=st.data())
async def test_the_curator_of_another_school_sees_nothing_of_this_one(world, start, pick, data):
    actions = drawn(world, data)
    olga = await ensure_other_curator(world)
    await fuzz(world, olga, "curator", lambda: start_somewhere(olga, start, pick), actions)
