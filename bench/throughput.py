"""Many people answering the deficit questionnaire at once, against a bare aiogram handler, and
the memory the app needs while 10,000 questionnaires are in progress; all measured in one run.

    .venv/bin/python -m bench.throughput [N]           # N people at once (200), SQLite
    BENCH_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/bench \
        .venv/bin/python -m bench.throughput [N]       # SQLite, then PostgreSQL as well
    .venv/bin/python -m bench.throughput 50 --db postgresql --people 2000 --round 2000

Throughput. The production app (bot.factory.build_app: its Dispatcher, middlewares, database FSM
storage, Fluent texts, its engine and connection pool) is started on a fresh database, and 2 x N
people with a mentee teacher's profile are registered before the clock starts (the first through
the conversation, the others as copies of its rows). Then N of them at once (asyncio.gather over
people, each person's updates one after another, as a person presses buttons) answer
content/questionnaires/diagnosis_mentee.yaml: /surveys, «Начать: Диагностика», eight scale
buttons, a single choice and a typed answer; 12 updates, 10 answers stored. Twice:

* unbounded: every update goes to the Dispatcher the moment it comes, as `python -m bot` polls
  (start_polling without tasks_concurrency_limit);
* the other N people, with at most --in-flight updates inside the Dispatcher at once (what
  aiogram's start_polling(tasks_concurrency_limit=…) would do); the wait for a place counts in
  the latency («disp.» columns: inside the Dispatcher only). The default, 7, keeps the one pooled
  connection an update holds (the FSM state is in its session) well within the pool's 5 + 10.

Then the same N people send the same 12 updates (messages and button presses in the same order)
to a bare aiogram Dispatcher with one message handler and one callback_query handler that only
answer, unbounded; its «answers» are the 10 updates per person that stand for them. Printed:
answers (counted in the database afterwards) and updates per second over the wall time of the
whole crowd, p50 and p99 of the time each Dispatcher.feed_update call took, failed updates
(handlers/errors.py logs them; a person whose update failed stops there, and their partial
questionnaire stays), and the ratios ours/bare.

Memory. 10,000 more people (one through the conversation, the others copies of its rows: user,
profile, role, an unfinished diagnosis response with three answers, and the FSM record of the
database storage) have a questionnaire in progress; then --round of them (2,000 by default,
spread evenly; --round 10000 for all, about 2 more minutes on SQLite) answer the next question
through the Dispatcher, --in-flight at a time (each the moment another is done, as polling with
a concurrency limit takes updates). Printed: the process's resident memory when the app had
started, before the round and its peak during it (VmRSS / VmHWM from /proc, the high-water mark
reset just before the round), the growth in MB and in bytes per questionnaire in progress, what
stays after the round, and the locks the event isolation still keeps afterwards. With
--tracemalloc a second round is traced and the peak of Python allocations during it is printed
as well (tracing slows that round about threefold, hence not by default).

All Bot API calls go to the mocked session of tests/telegram.py, which answers at once: the
figures contain no network time at all, only our code, aiogram's and the database's. The outbox
worker is wired as the tests wire it (app.outbox_worker(bot)); its rate limiter, which every
reply passes in production (30 messages a second, one a second per chat), runs on a clock that
never waits, so its bookkeeping is measured but not Telegram's limits: the messages sent per
questionnaire are counted and the ceiling those limits put on the answer rate is derived from
that count. The load average is printed: other work on the machine slows every figure. SQLite
lives in a temporary folder; PostgreSQL's schema `public` is dropped and recreated first: point
BENCH_DATABASE_URL at a scratch database that nothing else uses at the same time (not the tests'
`test` while they run: their DROP SCHEMA and this run's open transactions wait for each other
for good).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.fsm.storage.base import StorageKey
from aiogram.methods import SendDocument, SendMessage, SendPhoto
from aiogram.types import CallbackQuery, Message, Update
from sqlalchemy import Table, event, func, insert, select
from sqlalchemy.engine import make_url

from bot.config import PROJECT_ROOT, load_settings
from bot.delivery import RATE_SHARE, Limits
from bot.factory import App, build_app
from handlers.callbacks import Act, AnswerButton, Flow
from models import Answer, FsmRecord, Profile, Response, User, UserRole
from tests.conftest import reset_server_database
from tests.flows import TEACHER_MENTEE, register
from tests.telegram import TOKEN, MockedSession, Person

QUESTIONNAIRE = "diagnosis_mentee"
SCALES = (3, 2, 0, 0, 1, 2, 0, 3)  # the eight areas
EXPECTED_HELP = "Помощь с уроками"
UPDATES_PER_PERSON = 2 + len(SCALES) + 1  # /surveys, «Начать», the scales, the text
ANSWERS_PER_PERSON = len(SCALES) + 1
ANSWERED_BEFORE_ROUND = 3  # the memory phase's questionnaires stand at the fourth question
UNBOUNDED_ID, BOUNDED_ID, HOLDER_ID = 1_000_000, 2_000_000, 3_000_000  # Telegram ids
CHUNK = 1000


class Stuck(Exception):
    """The person's last update failed: the bot apologised, and the bench person stops."""


class FailedUpdates(logging.Handler):
    """handlers/errors.py logs each failed update with its id (a warning when the database was
    unavailable, an error otherwise); other loggers count from ERROR up."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.ids: set[int] = set()
        self.count = 0
        self.first: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if record.name == "handlers.errors" and record.args:
            self.ids.add(int(record.args[0]))  # type: ignore[index, call-overload]
        elif record.levelno < logging.ERROR:
            return
        self.count += 1
        if self.first is None:
            self.first = record.getMessage()[:300] + (f": {record.exc_info[1]!r}"[:300]
                                                      if record.exc_info else "")


class BenchSession(MockedSession):
    """The tests' mocked session, counting what is sent and keeping no list of requests; with
    `keep` off it forgets every message at once, so 10,000 chats do not fill the process with the
    harness's own records."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.keep, self.sent = True, 0

    async def make_request(self, bot: Bot, method: Any, timeout: int | None = None):  # noqa: ASYNC109
        result = await super().make_request(bot, method, timeout)
        if isinstance(method, SendMessage | SendPhoto | SendDocument):
            self.sent += 1
        self.requests.clear()
        if not self.keep:
            self.chats.clear()
        return result


class Statements:
    """SQL statements and commits on the app's engine (the only one: the FSM state is in it)."""

    def __init__(self, app: App) -> None:
        self.executed = self.commits = 0
        event.listen(app.engine.sync_engine, "before_cursor_execute", self._executed)
        event.listen(app.engine.sync_engine, "commit", self._committed)

    def _executed(self, *_: Any) -> None:
        self.executed += 1

    def _committed(self, *_: Any) -> None:
        self.commits += 1


class InstantTime:
    """The delivery path's clock, as the tests give it: sleeping only moves the clock."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


class TimedPerson(Person):
    """A person whose every Dispatcher.feed_update call is timed, and nothing else: `latencies`
    from the update's arrival (so with the wait for a place when `gate` bounds the updates in
    flight), `service` from the moment the Dispatcher takes it."""

    def __init__(self, dispatcher: Dispatcher, bot: Bot, user_id: int, failed: FailedUpdates,
                 gate: asyncio.Semaphore | None = None) -> None:
        super().__init__(dispatcher, bot, user_id)
        self.failed, self.gate = failed, gate
        self.latencies: list[float] = []
        self.service: list[float] = []

    async def _feed(self, update: Update, dispatcher: Dispatcher | None = None) -> list:
        dispatcher = dispatcher or self.dispatcher
        arrived = time.perf_counter()
        if self.gate is None:
            taken = arrived
            await dispatcher.feed_update(self.bot, update)
        else:
            async with self.gate:
                taken = time.perf_counter()
                await dispatcher.feed_update(self.bot, update)
        done = time.perf_counter()
        self.latencies.append(done - arrived)
        self.service.append(done - taken)
        if update.update_id in self.failed.ids:
            raise Stuck(update.update_id)
        return []


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


@dataclass
class Crowd:
    people: int
    answers: int
    wall: float
    latencies: list[float]
    service: list[float]
    failed: int = 0
    stuck: int = 0

    @property
    def per_second(self) -> float:
        return self.answers / self.wall

    @property
    def updates_per_second(self) -> float:
        return len(self.latencies) / self.wall

    @property
    def p50(self) -> float:
        return percentile(self.latencies, 0.5)

    @property
    def p99(self) -> float:
        return percentile(self.latencies, 0.99)


async def crowd(people: list[TimedPerson], script: Callable[[Person], Awaitable[None]],
                workers: int | None = None) -> Crowd:
    """Everybody at once, each person's updates in turn; or, with `workers`, that many people
    at a time, the next one starting when one is done (as polling with a concurrency limit
    takes the next update only then). `answers` is left for the caller to count."""
    latencies: list[float] = []
    service: list[float] = []
    failed_before = len(people[0].failed.ids)
    for person in people:
        person.latencies, person.service = latencies, service
    stuck = 0

    async def play(person: Person) -> None:
        nonlocal stuck
        try:
            await script(person)
        except Stuck:
            stuck += 1

    queue = iter(people)

    async def worker() -> None:
        for person in queue:
            await play(person)

    started = time.perf_counter()
    if workers is None:
        await asyncio.gather(*(play(person) for person in people))
    else:
        await asyncio.gather(*(worker() for _ in range(workers)))
    wall = time.perf_counter() - started
    return Crowd(len(people), 0, wall, latencies, service,
                 len(people[0].failed.ids) - failed_before, stuck)


async def diagnose(person: Person) -> None:
    await person.send("/surveys")
    await person.press("Начать: Диагностика")
    for score in SCALES:
        await person.press(str(score))
    await person.send(EXPECTED_HELP)


async def same_updates_bare(person: Person) -> None:
    """The same messages and button presses, in the same order, with callback data of our size."""
    await person.send("/surveys")
    await person.press_data("survey:diagnosis_mentee:0")
    for number, score in enumerate(SCALES):
        await person.press_data(AnswerButton(flow=Flow.SURVEY, ref=person.user.id,
                                             question=f"area_{number}", act=Act.PICK,
                                             pick=score).pack())
    await person.send(EXPECTED_HELP)


def bare_dispatcher() -> Dispatcher:
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def on_message(message: Message) -> None:
        await message.answer(message.text or "")

    @dispatcher.callback_query()
    async def on_button(query: CallbackQuery) -> None:
        await query.answer()

    return dispatcher


def resident() -> tuple[int, int]:
    """(VmRSS, VmHWM) of this process, in bytes."""
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0]) * 1024
    return values["VmRSS"], values["VmHWM"]


def reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # VmHWM := the current VmRSS
    except OSError:
        return False
    return True


def load() -> str:
    """The machine's load over 1, 5 and 15 minutes: other work slows every figure here."""
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def mb(size: float) -> str:
    return f"{size / 2**20:.1f} MB"


async def start(url: str) -> tuple[App, Bot, BenchSession]:
    if make_url(url).get_backend_name() != "sqlite":
        await reset_server_database(url)
    settings = load_settings(_env_file=None, bot_token=TOKEN, redis_url="", database_url=url,
                             curator_ids="", telegram_api_url="", timezone="Europe/Moscow",
                             default_locale="ru", content_dir=PROJECT_ROOT / "content")
    app = build_app(settings)
    await app.prepare_database()
    session = BenchSession()
    bot = Bot(TOKEN, session=session)
    clock = InstantTime()
    worker = app.outbox_worker(bot, sleep=clock.sleep, monotonic=clock.monotonic)
    worker.auto_kick = False
    dispatcher = app.dispatcher
    await dispatcher.emit_startup(bot=bot, bots=[bot], dispatcher=dispatcher,
                                  **dispatcher.workflow_data)
    return app, bot, session


def table(model: Any) -> Table:
    return model.__table__


async def rows_of(app: App, model: Any, *where: Any) -> list[dict[str, Any]]:
    async with app.sessionmaker() as session:
        result = await session.execute(select(table(model)).where(*where))
        return [dict(row._mapping) for row in result]


async def insert_many(app: App, model: Any, rows: list[dict[str, Any]],
                      returning: str | None = None) -> list[Any]:
    """Core bulk insert in chunks; the generated `returning` column, in the rows' order."""
    made: list[Any] = []
    target = table(model)
    async with app.sessionmaker() as session:
        for first in range(0, len(rows), CHUNK):
            chunk = rows[first:first + CHUNK]
            if returning is None:
                await session.execute(insert(target), chunk)
                continue
            statement = insert(target).returning(target.c[returning],
                                                 sort_by_parameter_order=True)
            made += (await session.execute(statement, chunk)).scalars().all()
        await session.commit()
    return made


async def clone_people(app: App, model_id: int, telegram_ids: list[int]) -> list[int]:
    """Copies of a registered person's user, profile and role rows; the new users' ids."""
    (user,) = await rows_of(app, User, User.telegram_id == model_id)
    (profile,) = await rows_of(app, Profile, Profile.user_id == user["id"])
    roles = await rows_of(app, UserRole, UserRole.user_id == user["id"])
    del user["id"]
    user_ids = await insert_many(app, User, [{**user, "telegram_id": telegram_id}
                                             for telegram_id in telegram_ids], returning="id")
    await insert_many(app, Profile, [{**profile, "user_id": user_id} for user_id in user_ids])
    for role in roles:
        del role["id"]
    await insert_many(app, UserRole, [{**role, "user_id": user_id}
                                      for user_id in user_ids for role in roles])
    return user_ids


def of_people(query: Any, first_id: int, count: int) -> Any:
    return (query.join(User, User.id == Response.user_id)
            .where(User.telegram_id.between(first_id, first_id + count - 1)))


async def stored(app: App, first_id: int, count: int) -> tuple[int, int]:
    """Answers to, and completed responses of, the diagnosis by these people."""
    async with app.sessionmaker() as session:
        answers = await session.scalar(of_people(
            select(func.count(Answer.id)).join(Response, Response.id == Answer.response_id),
            first_id, count))
        done = await session.scalar(of_people(select(func.count(Response.id)), first_id, count)
                                    .where(Response.questionnaire_code == QUESTIONNAIRE,
                                           Response.completed_at.is_not(None)))
    return answers, done


def row(name: str, result: Crowd) -> str:
    return (f"  {name:<23} {result.per_second:9.1f} {result.updates_per_second:9.1f} "
            f"{result.p50 * 1000:9.2f} {result.p99 * 1000:9.2f} "
            f"{percentile(result.service, 0.5) * 1000:9.2f} "
            f"{percentile(result.service, 0.99) * 1000:9.2f} {result.failed:6d} "
            f"{result.stuck:6d} {result.wall:7.1f}")


async def throughput(app: App, bot: Bot, session: BenchSession, count: int, in_flight: int,
                     failed: FailedUpdates) -> None:
    started = time.perf_counter()
    gate = asyncio.Semaphore(in_flight)
    crowds = {
        "unbounded": [TimedPerson(app.dispatcher, bot, UNBOUNDED_ID + n, failed)
                      for n in range(count)],
        f"<= {in_flight} in flight": [
            TimedPerson(app.dispatcher, bot, BOUNDED_ID + n, failed, gate)
            for n in range(count)],
    }
    first = crowds["unbounded"][0]
    await register(first, TEACHER_MENTEE)
    await clone_people(app, first.user.id,
                       [UNBOUNDED_ID + n for n in range(1, count)] +
                       [BOUNDED_ID + n for n in range(count)])
    print(f"registered 2 x {count} people (1 by conversation, the others copied) in "
          f"{time.perf_counter() - started:.1f} s")

    results: dict[str, Crowd] = {}
    sent_each = float("nan")
    statements = Statements(app)
    for (name, people), first_id in zip(crowds.items(), (UNBOUNDED_ID, BOUNDED_ID), strict=True):
        sent, executed, commits = session.sent, statements.executed, statements.commits
        result = results[name] = await crowd(people, diagnose)
        result.answers, done = await stored(app, first_id, count)
        # Only whole questionnaires are expected: a person whose update failed stopped there,
        # and that update was rolled back.
        whole = count - result.stuck
        check = ("as expected" if result.answers >= whole * ANSWERS_PER_PERSON and done == whole
                 else "MISSING")
        if done:
            sent_each = (session.sent - sent) / done
        print(f"ours, {name}: {count} people at once, {len(result.latencies)} updates, "
              f"{result.failed} failed, {result.stuck} people stuck at a failed update; "
              f"{done} questionnaires completed, {result.answers} answers stored ({check}); "
              f"{(statements.executed - executed) / len(result.latencies):.1f} SQL statements "
              f"and {(statements.commits - commits) / len(result.latencies):.1f} commits per "
              f"update; wall {result.wall:.1f} s")

    bare_bot = Bot(TOKEN, session=BenchSession())
    dispatcher = bare_dispatcher()
    bare_people = [TimedPerson(dispatcher, bare_bot, UNBOUNDED_ID + n, failed)
                   for n in range(count)]
    bare = await crowd(bare_people, same_updates_bare)
    bare.answers = count * ANSWERS_PER_PERSON  # the updates that stand for them
    print(f"bare: {count} people at once, {len(bare.latencies)} updates; wall {bare.wall:.2f} s")

    print(f"  {'':<23} {'answers/s':>9} {'updates/s':>9} {'p50 ms':>9} {'p99 ms':>9} "
          f"{'disp. p50':>9} {'disp. p99':>9} {'failed':>6} {'stuck':>6} {'wall s':>7}")
    for name, result in results.items():
        print(row(f"ours, {name}", result))
    print(row("bare aiogram, unbounded", bare))
    for name, result in results.items():
        print(f"  ours ({name}) / bare: throughput {result.per_second / bare.per_second:.4f} "
              f"(bare {bare.per_second / max(result.per_second, 1e-9):,.0f}x faster), "
              f"p50 {result.p50 / bare.p50:,.0f}x, p99 {result.p99 / bare.p99:,.0f}x")
    limits = Limits()
    ceiling = limits.per_second * RATE_SHARE / sent_each * ANSWERS_PER_PERSON
    print(f"  messages sent per completed questionnaire: {sent_each:.1f} (edits and callback "
          f"answers not counted); replies go at once, but were they paced at the "
          f"{limits.per_second} messages/s bulk sending keeps to, at most {ceiling:.0f} answers/s")


async def memory(app: App, bot: Bot, session: BenchSession, holders: int, served: int,
                 in_flight: int, traced: bool, failed: FailedUpdates, at_start: int) -> None:
    """`at_start`: the resident memory of the app just started, before anybody wrote."""
    started = time.perf_counter()
    first = TimedPerson(app.dispatcher, bot, HOLDER_ID, failed)
    await register(first, TEACHER_MENTEE)
    await first.send("/surveys")
    await first.press("Начать: Диагностика")
    for score in SCALES[:ANSWERED_BEFORE_ROUND]:
        await first.press(str(score))
    (response,) = await rows_of(app, Response, Response.user_id == first_user_id(HOLDER_ID))
    answers = await rows_of(app, Answer, Answer.response_id == response["id"])
    key_of = app.dispatcher.storage.key_builder.build  # type: ignore[attr-defined]

    def fsm_key(telegram_id: int) -> str:
        return key_of(StorageKey(bot_id=bot.id, chat_id=telegram_id, user_id=telegram_id))

    (record,) = await rows_of(app, FsmRecord, FsmRecord.key == fsm_key(HOLDER_ID))
    if {**record["data"], "shown": None} != {"flow": Flow.SURVEY, "ref": response["id"],
                                             "shown": None}:
        raise SystemExit(f"unexpected FSM record of a questionnaire in progress: {record}")
    telegram_ids = [HOLDER_ID + n for n in range(1, holders)]
    user_ids = await clone_people(app, HOLDER_ID, telegram_ids)
    refs = {HOLDER_ID: response.pop("id")}
    response_ids = await insert_many(app, Response, [{**response, "user_id": user_id}
                                                     for user_id in user_ids], returning="id")
    refs.update(zip(telegram_ids, response_ids, strict=True))
    for answer in answers:
        del answer["id"]
    await insert_many(app, Answer, [{**answer, "response_id": response_id}
                                    for response_id in response_ids for answer in answers])
    await insert_many(app, FsmRecord, [
        {**record, "key": fsm_key(telegram_id),
         "data": {**record["data"], "ref": refs[telegram_id]}} for telegram_id in telegram_ids])
    before_round, _ = await stored(app, HOLDER_ID, holders)
    print(f"memory: {holders} questionnaires in progress ({before_round} answers, "
          f"{ANSWERED_BEFORE_ROUND} each, and their FSM records), 1 by conversation and "
          f"{holders - 1} copied, in {time.perf_counter() - started:.1f} s")

    served = max(1, min(served, holders))
    step = holders / served
    people = [TimedPerson(app.dispatcher, bot, HOLDER_ID + int(n * step), failed)
              for n in range(served)]

    def next_answer(question: str, pick: int) -> Callable[[Person], Awaitable[None]]:
        async def press(person: Person) -> None:
            await person.press_data(AnswerButton(flow=Flow.SURVEY, ref=refs[person.user.id],
                                                 question=question, act=Act.PICK,
                                                 pick=pick).pack(), message_id=1)
        return press

    question = response["current_question"]
    session.keep = False
    session.chats.clear()
    gc.collect()
    before, _ = resident()
    peak_known = reset_peak()
    result = await crowd(people, next_answer(question, 2), workers=in_flight)
    after, peak = resident()
    gc.collect()
    collected, _ = resident()
    after_round, _ = await stored(app, HOLDER_ID, holders)
    result.answers = after_round - before_round
    check = "all stored" if result.answers == served else "MISSING"
    print(f"  a round: {served} of them (spread evenly) answer «{question}» through the "
          f"Dispatcher, {in_flight} at a time: {result.per_second:.1f} answers/s, "
          f"p50 {result.p50 * 1000:.2f} ms, p99 {result.p99 * 1000:.2f} ms, {result.failed} "
          f"failed, {result.answers} stored ({check}); wall {result.wall:.1f} s")
    growth = peak - before
    print(f"  resident memory: {mb(at_start)} when the app had started, {mb(before)} before "
          f"the round, peak {mb(peak)} during it"
          f"{'' if peak_known else ' (peak since start: /proc/self/clear_refs refused)'}, "
          f"{mb(after)} after it, {mb(collected)} after a garbage collection")
    print(f"  peak growth: {mb(growth)} = {growth / holders:,.0f} bytes per questionnaire in "
          f"progress ({growth / served:,.0f} per person served); kept after the round: "
          f"{mb(collected - before)} = {(collected - before) / served:,.0f} bytes per person "
          f"served")
    print(f"  peak over the app just started (the whole run so far, harness included, an upper "
          f"bound): {mb(peak - at_start)} = {(peak - at_start) / holders:,.0f} bytes per "
          f"questionnaire in progress")
    isolation = app.dispatcher.fsm.events_isolation
    locks = getattr(isolation, "_locks", None)
    if locks is not None:
        print(f"  the Dispatcher's event isolation ({type(isolation).__name__}) holds "
              f"{len(locks):,} locks after everybody was served")
    if traced:
        (response,) = await rows_of(app, Response, Response.id == refs[people[0].user.id])
        question = response["current_question"]
        gc.collect()
        tracemalloc.start()
        result = await crowd(people, next_answer(question, 1), workers=in_flight)
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"  traced round («{question}», {result.failed} failed): peak of Python "
              f"allocations {mb(traced_peak)} = {traced_peak / holders:,.0f} bytes per "
              f"questionnaire in progress; wall {result.wall:.1f} s")
    session.keep = True


def first_user_id(telegram_id: int) -> Any:
    return select(User.id).where(User.telegram_id == telegram_id).scalar_subquery()


async def run(url: str, arguments: argparse.Namespace) -> None:
    failed = FailedUpdates()
    logging.getLogger().addHandler(failed)
    started = time.perf_counter()
    app, bot, session = await start(url)
    gc.collect()
    at_start, _ = resident()
    pool = app.engine.pool
    print(f"\n== {app.engine.dialect.name}: {make_url(url).render_as_string()} "
          f"(pool {pool.size()} + {getattr(pool, '_max_overflow', '?')}) ==")
    print(f"app built, migrated and started in {time.perf_counter() - started:.1f} s; "
          f"load average {load()}")
    try:
        phase = time.perf_counter()
        await throughput(app, bot, session, arguments.n, arguments.in_flight, failed)
        print(f"throughput phase: {time.perf_counter() - phase:.1f} s")
        if arguments.people:
            phase = time.perf_counter()
            await memory(app, bot, session, arguments.people, arguments.round,
                         arguments.in_flight, arguments.tracemalloc, failed, at_start)
            print(f"memory phase: {time.perf_counter() - phase:.1f} s")
        if failed.count:
            print(f"errors logged: {failed.count}; the first: {failed.first}")
    finally:
        logging.getLogger().removeHandler(failed)
        await app.dispatcher.emit_shutdown(bot=bot, bots=[bot], dispatcher=app.dispatcher,
                                           **app.dispatcher.workflow_data)
        await app.close()
    print(f"{app.engine.dialect.name}: {time.perf_counter() - started:.1f} s in all; "
          f"load average {load()}")


async def main(arguments: argparse.Namespace) -> None:
    server = os.environ.get("BENCH_DATABASE_URL")
    wanted = arguments.db or ("both" if server else "sqlite")
    if wanted in ("postgresql", "both") and not server:
        raise SystemExit("set BENCH_DATABASE_URL for PostgreSQL")
    print(f"{arguments.n} people at once, {UPDATES_PER_PERSON} updates and "
          f"{ANSWERS_PER_PERSON} answers each; {arguments.people} questionnaires in progress "
          f"for the memory round; {os.cpu_count()} CPUs; mocked Bot API (no network)")
    if wanted in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            await run(f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}", arguments)
    if wanted in ("postgresql", "both"):
        await run(server, arguments)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.throughput",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=200, help="people at once (200)")
    parser.add_argument("--in-flight", type=int, default=7,
                        help="updates inside the Dispatcher at once for the bounded crowd and "
                             "the memory round (7)")
    parser.add_argument("--people", type=int, default=10_000,
                        help="questionnaires in progress for the memory round (10000; 0: none)")
    parser.add_argument("--round", type=int, default=2000,
                        help="how many of them answer one more question in the measured round "
                             "(2000, spread over them; --round 10000: every one)")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="a second, traced round for the peak of Python allocations")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"),
                        help="default: SQLite, and PostgreSQL too when BENCH_DATABASE_URL is set")
    return parser.parse_args(argv)


if __name__ == "__main__":
    total = time.perf_counter()
    asyncio.run(main(parse()))
    print(f"\nwall time of the whole run: {time.perf_counter() - total:.1f} s")
