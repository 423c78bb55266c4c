"""Crash bench: questionnaires answered while `python -m bot` is killed and restarted.

    .venv/bin/python -m bench.crash [RUNS] [--people N] [--seed S] [--project DIR]
                                    [--database-url postgresql+asyncpg://…/scratch]

RUNS (default 200) runs of the deficit diagnosis, each one person taking it once (the first time
«Начать», then «Пройти заново»), N people (default 20) at a time, over HTTP through the Bot API
stand-in (bot/demo/telegram_api.py) against `python -m bot` as a real process on one SQLite file
(or on a PostgreSQL database of the bench's own, emptied first: --database-url or
CRASH_DATABASE_URL). After a random 5-15 s of polling (--uptime) the process gets SIGKILL and is
started again on the same database, until every run is done. The stand-in redelivers what the
killed process had not confirmed, as Telegram does. A person answers the question the bot shows
them last (the newest message, or the one edited last), by its button or by typing; one whose
action got no answer within their patience (2.5-6 s) presses the same button again or sends
/surveys and presses «Продолжить»; silence never makes them type a text answer again.

Printed, with the definitions used:
- answers lost: answers a person saw acknowledged (the bot then showed a later question, or
  «заполнена») that the run's completed response lacks or holds with another value;
- answers duplicated: answer rows beyond one per response and question, plus response rows
  beyond one per run (a run should create exactly one);
- answers never given: rows for a question the person did not answer, or with a value they did
  not give to it (a text filed under another question, say);
- resumed at the right question: runs in progress at a kill whose first screen from the new
  process (seen by the person) was the first unanswered question in the database (or
  «заполнена» for a response the database holds complete).

Registration comes first and is not measured; the others type the school's name once a first
person has created the school (people typing a new school's name at the same moment collide on
its unique name: services/people.py school_named).

The seed (CRASH_SEED or --seed) fixes the answers, patience and kill times; the bot's own timing
still varies. CRASH_KEEP=<folder> keeps the database, the bot's logs and each run's trace there.
The bench stops by itself: every wait is bounded, a run going for 4 minutes is reported stuck, no
run starts after --minutes (default 20), and the bot is killed on exit (and by the kernel if the
bench dies). The exit code is 1 when an answer was lost or duplicated or a run got stuck.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import random
import re
import signal
import sqlite3
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from bot.config import PROJECT_ROOT
from bot.demo.telegram_api import LocalBotAPI
from domain import answering
from domain.questionnaire import Catalog, Question, QuestionType
from tests.e2e_people import (
    PROGRESS,
    TEACHER_MENTEE,
    BotProcess,
    Person,
    Screen,
    Seen,
    register,
)

CODE = "diagnosis_mentee"
FIRST_ID = 7_000_001
UPTIME = (5.0, 15.0)  # seconds the bot polls before the next SIGKILL
PATIENCE = (2.5, 6.0)  # seconds a person waits for an answer before trying again
THINK = (0.05, 0.4)  # seconds between seeing a question and answering it
RUN_LIMIT = 240.0  # a run still going after this long is reported stuck
INTERNAL_ERROR = "Что-то пошло не так"


@dataclass
class Run:
    number: int
    person: Person
    plan: dict[str, Any]
    began: int = 0  # stand-in seq when the run began
    baseline: int = 0  # the person's last response id before the run
    started: bool = False  # the start button was pressed
    done: bool = False
    stuck: bool = False
    given: dict[str, Any] = field(default_factory=dict)
    acked: set[str] = field(default_factory=set)
    interrupted: int = 0
    awaiting_resume: bool = False
    resumed_right: int = 0
    resumed_wrong: list[str] = field(default_factory=list)
    repeats: int = 0
    trace: list[str] = field(default_factory=list)  # what the person saw and did

    def log(self, text: str) -> None:
        self.trace.append(f"{time.time():.2f} {text}")


@dataclass
class Totals:
    kills: int = 0
    kill_times: list[float] = field(default_factory=list)


def plan_for(questions: list[Question], rng: random.Random, number: int) -> dict[str, Any]:
    """The answers this run gives: random scores (and choices, were there any); texts unique to
    the run."""
    plan: dict[str, Any] = {}
    for question in questions:
        if question.type is QuestionType.SCALE:
            plan[question.id] = rng.choice(answering.scale_points(question))
        elif question.type is QuestionType.SINGLE:
            # «Выгорание» one time in three, so the optional text question comes up often.
            burnout = next(o.value for o in question.options if o.value == "burnout")
            others = [o.value for o in question.options if o.value != "burnout"]
            plan[question.id] = burnout if rng.random() < 0.33 else rng.choice(others)
        elif question.type is QuestionType.TEXT:
            if question.optional and rng.random() < 0.3:
                plan[question.id] = None  # skipped with «Пропустить»
            else:
                plan[question.id] = f"Запуск {number}: {question.id} {rng.randint(1, 10**6)}"
    return plan


def decoded(value: Any) -> Any:
    """Answer.value as stored: JSON text, numbers by SQLite's numeric affinity."""
    return json.loads(value) if isinstance(value, str) else value


def stamp(value: str | datetime | None) -> float | None:
    """A timestamp column (SQLite: text in UTC with no offset; PostgreSQL: a datetime) to
    time.time()."""
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


class Database:
    """The bot's database, read by the bench: an SQLite file in the bench's folder, or a
    PostgreSQL database (--database-url) that is emptied first."""

    def __init__(self, folder: Path, url: str | None = None) -> None:
        self.path = folder / "crash.sqlite3"
        self.url = url or f"sqlite+aiosqlite:///{self.path}"
        self.postgres = url is not None

    def empty(self) -> None:
        if self.postgres:
            asyncio.run(self._postgres(lambda connection: connection.execute(
                "DROP SCHEMA public CASCADE; CREATE SCHEMA public")))

    def query(self, sql: str, *args: Any) -> list[tuple]:
        if self.postgres:
            numbers = itertools.count(1)
            numbered = re.sub(r"\?", lambda _: f"${next(numbers)}", sql)
            # Called from worker threads (asyncio.to_thread): a loop of its own each time.
            return [tuple(row) for row in asyncio.run(self._postgres(
                lambda connection: connection.fetch(numbered, *args)))]
        connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)
        try:
            return connection.execute(sql, args).fetchall()
        finally:
            connection.close()

    async def _postgres(self, work: Callable[[Any], Awaitable[Any]]) -> Any:
        import asyncpg

        dsn = make_url(self.url).set(drivername="postgresql").render_as_string(
            hide_password=False)
        connection = await asyncpg.connect(dsn)
        try:
            return await work(connection)
        finally:
            await connection.close()

    def responses(self, telegram_id: int, after: int = 0) -> list[tuple]:
        """(id, completed_at) of the person's diagnoses with id > after."""
        return self.query(
            "SELECT r.id, r.completed_at FROM responses r JOIN users u ON u.id = r.user_id "
            "WHERE u.telegram_id = ? AND r.questionnaire_code = ? AND r.id > ? ORDER BY r.id",
            telegram_id, CODE, after)

    def stamped(self, telegram_id: int, after: int) -> list[tuple[int, float, float | None]]:
        """(id, started, completed) of the person's diagnoses with id > after, as timestamps."""
        return [(response_id, stamp(started), stamp(completed)) for response_id, started, completed
                in self.query(
                    "SELECT r.id, r.started_at, r.completed_at FROM responses r JOIN users u ON "
                    "u.id = r.user_id WHERE u.telegram_id = ? AND r.questionnaire_code = ? AND "
                    "r.id > ? ORDER BY r.id", telegram_id, CODE, after)]

    def stamped_answers(self, response_id: int) -> list[tuple[str, Any, float]]:
        return [(question, decoded(value), stamp(at)) for question, value, at in self.query(
            "SELECT question_id, value, answered_at FROM answers WHERE response_id = ?",
            response_id)]

    def answers(self, response_id: int) -> list[tuple[str, Any]]:
        return [(question, decoded(value)) for question, value in self.query(
            "SELECT question_id, value FROM answers WHERE response_id = ? ORDER BY id",
            response_id)]


class Bench:
    def __init__(self, runs: int, people: int, seed: int, project: Path, logs: Path,
                 minutes: float = 20.0, database_url: str | None = None) -> None:
        self.runs, self.people, self.seed = runs, people, seed
        self.deadline = time.monotonic() + minutes * 60
        self.uptime = UPTIME
        self.rng = random.Random(seed)
        self.logs = logs
        catalog = Catalog.from_directory(project / "content" / "questionnaires")
        self.questionnaire = catalog.get(CODE)
        self.questions = list(self.questionnaire.questions)
        self.screen = Screen(self.questionnaire)
        self.database = Database(logs, database_url)
        self.standin = LocalBotAPI()
        self.project = project
        self.bot: BotProcess | None = None
        self.totals = Totals()
        self.all_runs: list[Run] = []
        self.numbers = itertools.count()
        self.finished = asyncio.Event()

    # -- the bot ---------------------------------------------------------------------------

    async def start(self) -> None:
        await self.standin.start()
        await asyncio.to_thread(self.database.empty)
        self.bot = BotProcess(self.standin, self.logs, project=self.project,
                              DATABASE_URL=self.database.url)
        await self.bot.start()
        await self.bot.ready(120.0)

    async def killer(self) -> None:
        """SIGKILL after a random uptime, start again at once; until every run is done."""
        assert self.bot is not None
        while not self.finished.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.finished.wait(), self.rng.uniform(*self.uptime))
            if self.finished.is_set():
                return
            await self.bot.kill()
            self.totals.kills += 1
            self.totals.kill_times.append(time.monotonic())
            for run in self.all_runs:
                if run.started and not run.done:
                    run.interrupted += 1
                    run.awaiting_resume = True
                    run.log(f"SIGKILL #{self.totals.kills}")
            await self.bot.start()
            await self.bot.ready(120.0)

    async def idle(self, quiet: float = 1.0, limit: float = 20.0) -> None:
        """Until every update is confirmed and the bot has made no request for `quiet` s."""
        def last_work() -> int:
            return next((r.seq for r in reversed(self.standin.requests)
                         if r.method != "getUpdates"), 0)

        until = time.monotonic() + limit
        while time.monotonic() < until:
            seq = last_work()
            await asyncio.sleep(quiet)
            if last_work() == seq and not self.standin.pending:
                return

    # -- people ----------------------------------------------------------------------------

    async def person_loop(self, person: Person, rng: random.Random) -> None:
        while time.monotonic() < self.deadline:
            number = next(self.numbers)
            if number >= self.runs:
                return
            run = Run(number, person, plan_for(self.questions, rng, number))
            self.all_runs.append(run)
            try:
                await asyncio.wait_for(self.take(run, rng), RUN_LIMIT)
            except TimeoutError:
                run.stuck = True
                return  # this person's chat is in an unknown state; leave it

    async def first_unanswered(self, run: Run, as_of: float) -> str:
        """What the database said came next, at `as_of` (time.time()), for the person's latest
        response of the run: answers are stamped when given, so later ones (the person's
        presses still queued at the restart, say) are left out."""
        rows = await asyncio.to_thread(self.database.stamped, run.person.id, run.baseline)
        rows = [row for row in rows if row[1] <= as_of]
        if not rows:
            return "(no response)"
        response_id, _, completed_at = rows[-1]
        if completed_at is not None and completed_at <= as_of:
            return "(completed)"
        answers = {question: value for question, value, at
                   in await asyncio.to_thread(self.database.stamped_answers, response_id)
                   if at <= as_of}
        following = answering.first_unanswered(self.questions, answers)
        return following.id if following else "(completed)"

    async def check_resume(self, run: Run, seen: Seen) -> None:
        assert self.bot is not None
        if not run.awaiting_resume or seen.message.changed <= self.bot.started_seq:
            return
        run.awaiting_resume = False
        shown = seen.question.id if seen.kind == "question" else "(completed)"
        # The database as it was when the bot sent or edited that message.
        expected = await self.first_unanswered(run, self.standin.request(
            seen.message.changed).wall)
        run.log(f"resumed: shown {shown}, database {expected}")
        acked_again = seen.kind == "question" and seen.question.id in run.acked
        if shown == expected and not acked_again:
            run.resumed_right += 1
        else:
            run.resumed_wrong.append(f"shown {shown}, database {expected}")

    def acknowledge(self, run: Run, seen: Seen) -> None:
        if seen.kind == "done":
            run.acked.update(run.given)
            return
        order = self.screen.order
        run.acked.update(q for q in run.given if order[q] < order[seen.question.id])

    async def take(self, run: Run, rng: random.Random) -> None:
        person = run.person
        run.began = self.standin.seq
        rows = await asyncio.to_thread(self.database.responses, person.id)
        run.baseline = rows[-1][0] if rows else 0
        last_action = ""
        since = run.began
        while True:
            seen = self.screen.current(person)
            if seen is not None:
                run.log(f"sees {seen.kind} {seen.question.id if seen.question else ''} "
                        f"(message {seen.message.message_id}, change {seen.message.changed})")
            if seen is not None and seen.kind in ("question", "done") and \
                    seen.message.changed > run.began:
                if run.started:
                    await self.check_resume(run, seen)
                self.acknowledge(run, seen)
                if seen.kind == "done":
                    run.done = True
                    return
            action = await self.act(run, seen, rng, last_action)
            if action == "finished":
                return
            update = person.last_update or {}
            run.log(f"{action} (seq {self.standin.seq}, update {update.get('update_id')})")
            if action == "look again":
                continue
            last_action = action
            since = self.standin.seq

            def answered(since: int = since) -> bool:
                return self.screen.current(person, since) is not None

            try:
                await self.standin.wait_until(answered, rng.uniform(*PATIENCE))
            except TimeoutError:
                # No answer: the same button again, or /surveys and «Продолжить»; a text
                # answer is never typed twice.
                run.repeats += 1
                run.log("no answer")
                if last_action == "text" or rng.random() < 0.5:
                    person.send("/surveys")
                    last_action = "surveys"
                    with contextlib.suppress(TimeoutError):
                        await self.standin.wait_until(
                            lambda s=self.standin.seq: self.screen.current(person, s) is not None,
                            rng.uniform(*PATIENCE))

    async def still(self, person: Person, seen: Seen, rng: random.Random) -> bool:
        """Think a moment; whether the screen is as it was (a person answers what they see:
        if the bot changed it meanwhile, they look again)."""
        changed = seen.message.changed
        await asyncio.sleep(rng.uniform(*THINK))
        latest = self.screen.current(person)
        return seen.message.changed == changed and latest is not None \
            and latest.message is seen.message

    async def act(self, run: Run, seen: Seen | None, rng: random.Random, last: str) -> str:
        person = run.person
        if seen is None or (seen.kind == "done" and seen.message.changed <= run.began):
            # Nothing of this questionnaire on screen since the last run: the list, please.
            if last != "surveys-wait":
                with contextlib.suppress(TimeoutError):
                    await self.standin.wait_until(
                        lambda: self.screen.current(person) is not None
                        and self.screen.current(person).kind == "list", 1.5)
                seen = self.screen.current(person)
                if seen is not None and seen.kind == "list":
                    return await self.act(run, seen, rng, "surveys-wait")
            person.send("/surveys")
            return "surveys"
        if seen.kind == "list":
            labels = [label for label, _ in seen.message.buttons()
                      if self.screen.title in label]
            if run.given and any(label.startswith("🔁") for label in labels):
                # The list says «заполнена» after answers were given: the bot completed it
                # (the message saying so may have died with the process).
                run.acked.update(run.given)
                run.done = True
                return "finished"
            if not await self.still(person, seen, rng):
                return "look again"
            found = person.find_button(self.screen.title, [seen.message])
            assert found is not None
            person.press_data(*found)
            run.started = True
            return "open"
        question = seen.question
        value = run.plan[question.id]
        if not await self.still(person, seen, rng):
            return "look again"
        run.given[question.id] = value
        if question.type is QuestionType.TEXT and value is not None:
            person.send(value)
            return "text"
        label = "Пропустить" if value is None else self.screen.label(question, value)
        found = person.find_button(label, [seen.message])
        if found is None:
            raise AssertionError(f"no button {label!r} under {seen.message.text[:200]!r}")
        person.press_data(*found)
        return "press"

    # -- the figures -----------------------------------------------------------------------

    def measure(self) -> dict[str, Any]:
        figures: Counter[str] = Counter()
        examples: dict[str, list[str]] = {}

        def note(kind: str, text: str, count: int = 1) -> None:
            figures[kind] += count
            examples.setdefault(kind, [])
            if len(examples[kind]) < 5:
                examples[kind].append(text)

        causes: Counter[str] = Counter()
        by_person: dict[int, list[Run]] = {}
        for run in self.all_runs:
            by_person.setdefault(run.person.id, []).append(run)
        for runs in by_person.values():
            runs.sort(key=lambda r: r.number)
            for index, run in enumerate(runs):
                later = runs[index + 1].baseline if index + 1 < len(runs) else None
                rows = [row for row in self.database.responses(run.person.id, run.baseline)
                        if later is None or row[0] <= later]
                figures["runs"] += 1
                figures["completed runs"] += bool(run.done)
                figures["stuck runs"] += bool(run.stuck)
                figures["acknowledged"] += len(run.acked)
                figures["repeats"] += run.repeats
                if run.interrupted:
                    figures["interrupted runs"] += 1
                    figures["resumed right"] += not run.resumed_wrong
                    for wrong in run.resumed_wrong:
                        note("resumed wrong", f"run {run.number}: {wrong}")
                if len(rows) > 1:
                    note("duplicated responses", f"run {run.number}: responses "
                         f"{[r[0] for r in rows]}", len(rows) - 1)
                completed = [r for r in rows if r[1] is not None]
                if run.done and not completed:
                    note("not completed", f"run {run.number}: no completed response")
                final = (completed or rows or [None])[-1]
                stored: dict[str, Any] = {}
                for response_id, _ in rows:
                    answers = self.database.answers(response_id)
                    per_question = Counter(q for q, _ in answers)
                    for question, times in per_question.items():
                        if times > 1:
                            note("duplicated answers", f"response {response_id}: {question} "
                                 f"×{times}", times - 1)
                    if final is not None and response_id == final[0]:
                        stored = dict(answers)
                    for question, value in answers:
                        if question not in run.given or run.given[question] != value:
                            note("never given", f"run {run.number}: {question}={value!r}, "
                                 f"given {run.given.get(question, '(nothing)')!r}")
                for question in run.acked:
                    if question not in stored:
                        note("lost", f"run {run.number}: {question} missing")
                        causes[f"{question} missing"] += 1
                    elif stored[question] != run.given[question]:
                        note("lost", f"run {run.number}: {question}={stored[question]!r}, "
                             f"given {run.given[question]!r}")
                        other = next((q for q, v in run.given.items()
                                      if q != question and v == stored[question]), None)
                        causes[f"{question} holds the answer to {other}" if other
                               else f"{question} holds another value"] += 1
        people = {run.person.id: run.person for run in self.all_runs}
        for person in people.values():
            figures["errors shown"] += sum(INTERNAL_ERROR in m.text for m in person.messages())
            figures["errors shown"] += sum(INTERNAL_ERROR in a for a in person.alerts(since=0))
        if os.environ.get("CRASH_KEEP"):
            with (self.logs / "traces.txt").open("w") as traces:
                for run in self.all_runs:
                    traces.write(f"run {run.number} person {run.person.id} given {run.given} "
                                 f"acked {sorted(run.acked)}\n")
                    traces.writelines(f"  {line}\n" for line in run.trace)
                    if run.resumed_wrong or any(f"run {run.number}:" in example
                                                for kind in ("lost", "never given")
                                                for example in examples.get(kind, [])):
                        traces.writelines(f"    bot: {line}\n" for line in self.chat_log(run))
        figures["redelivered"] = sum(1 for times in self.standin.deliveries.values()
                                     if times > 1)
        return {"figures": figures, "examples": examples, "causes": causes}

    def chat_log(self, run: Run) -> list[str]:
        """What the bot did in the run's chat, for a trace: seq, method, message, text."""
        lines = []
        for request in self.standin.requests:
            if request.seq <= run.began or request.method == "getUpdates":
                continue
            query = self.standin.queries.get(str(request.params.get("callback_query_id")))
            if request.chat_id != str(run.person.id) and (query is None
                                                          or query.user_id != run.person.id):
                continue
            text = str(request.params.get("text") or "")
            progress = PROGRESS.search(text)
            question = next((q.id for q in self.questions if q.text.ru in text), "")
            sent = request.result.get("message_id") if isinstance(request.result, dict) else ""
            lines.append(f"{request.seq} {request.wall:.2f} {request.method} "
                         f"{request.params.get('message_id', sent)} "
                         f"{progress.group() if progress else ''} {question} "
                         f"{'' if request.ok else request.error.description[:60]}")
        return lines

    def tracebacks(self) -> Counter[str]:
        assert self.bot is not None
        found: Counter[str] = Counter()
        for line in self.bot.all_stderr().splitlines():
            if re.match(r"^[\w.]+(Error|Exception)\b.*", line):
                found[line[:140]] += 1
        return found


def report(bench: Bench, measured: dict[str, Any], wall: float) -> str:
    figures, examples = measured["figures"], measured["examples"]
    lost, never = figures["lost"], figures["never given"]
    duplicated = figures["duplicated answers"] + figures["duplicated responses"]
    lines = [
        f"runs                            {figures['runs']} of {bench.runs} (completed "
        f"{figures['completed runs']}, stuck {figures['stuck runs']})",
        f"kills (SIGKILL)                 {bench.totals.kills}",
        f"answers acknowledged            {figures['acknowledged']}",
        f"answers lost                    {lost}",
        f"answers duplicated              {duplicated} (answer rows "
        f"{figures['duplicated answers']}, extra responses {figures['duplicated responses']})",
        f"answers never given             {never}",
        f"resumed at the right question   {figures['resumed right']} of "
        f"{figures['interrupted runs']} interrupted runs",
        f"updates redelivered             {figures['redelivered']}",
        f"actions repeated by people      {figures['repeats']}",
        f"errors shown to people          {figures['errors shown']}",
        f"wall time                       {wall:.1f} s",
    ]
    if measured["causes"]:
        lines.append("  lost: " + "; ".join(f"{count} × {cause}"
                                            for cause, count in measured["causes"].most_common()))
    for kind in ("lost", "duplicated responses", "duplicated answers", "never given",
                 "resumed wrong", "not completed"):
        if examples.get(kind):
            lines.append(f"  {kind}, e.g.: " + "; ".join(examples[kind]))
    errors = bench.tracebacks()
    if errors:
        lines.append(f"exceptions in the bot's logs ({sum(errors.values())}):")
        lines.extend(f"  {count:4d} × {line}" for line, count in errors.most_common(8))
    return "\n".join(lines)


async def run_bench(runs: int, people: int, seed: int, project: Path, folder: Path,
                    minutes: float, uptime: tuple[float, float],
                    database_url: str | None = None) -> int:
    started = time.monotonic()
    bench = Bench(runs, people, seed, project, folder, minutes, database_url)
    bench.uptime = uptime
    try:
        await bench.start()
        persons = [Person(bench.standin, FIRST_ID + index, f"Участник {index}")
                   for index in range(min(people, runs))]
        for person in persons:
            person.timeout = 120.0
        profiles = [{**TEACHER_MENTEE, "name": f"Участник {index}"}
                    for index in range(len(persons))]
        # The others type the school's name once the first has created the school (see the
        # docstring).
        school = asyncio.Event()

        async def first() -> None:
            await register(persons[0], profiles[0])

        async def created() -> None:
            await persons[0].expect("Какие предметы", since=0)
            school.set()

        await asyncio.gather(first(), created(), *(
            register(person, profile, school_exists=school)
            for person, profile in zip(persons[1:], profiles[1:], strict=True)))
        print(f"{len(persons)} people registered in {time.monotonic() - started:.1f} s; "
              f"answering with kills", flush=True)
        killer = asyncio.create_task(bench.killer())
        rngs = [random.Random(bench.rng.random()) for _ in persons]
        await asyncio.gather(*(bench.person_loop(person, rng)
                               for person, rng in zip(persons, rngs, strict=True)))
        bench.finished.set()
        await killer
        # Stopped once idle: a SIGINT with updates in flight fails them (KeyError: the shutdown
        # hooks unload the locales under the running handlers), which is not this bench's topic.
        await bench.idle()
        with contextlib.suppress(AssertionError):
            await bench.bot.interrupt(30.0)
        measured = await asyncio.to_thread(bench.measure)
        print(report(bench, measured, time.monotonic() - started))
        figures = measured["figures"]
        return 1 if figures["lost"] or figures["duplicated answers"] \
            or figures["duplicated responses"] or figures["completed runs"] < runs else 0
    finally:
        if bench.bot is not None:
            await bench.bot.kill()
        await bench.standin.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="?", type=int, default=200)
    parser.add_argument("--people", type=int, default=int(os.environ.get("CRASH_PEOPLE", 20)),
                        help="people answering at a time")
    parser.add_argument("--seed", type=int, default=os.environ.get("CRASH_SEED"))
    parser.add_argument("--uptime", type=float, nargs=2, default=UPTIME, metavar=("MIN", "MAX"),
                        help="seconds the bot polls between kills (default %(default)s)")
    parser.add_argument("--minutes", type=float, default=20.0,
                        help="start no run after this many minutes")
    parser.add_argument("--project", type=Path, default=PROJECT_ROOT,
                        help="the checkout whose `python -m bot` to run (default: this one)")
    parser.add_argument("--database-url", default=os.environ.get("CRASH_DATABASE_URL"),
                        help="a PostgreSQL database of the bench's own, emptied first "
                             "(postgresql+asyncpg://…); default: an SQLite file")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10**6)
    print(f"crash bench: {args.runs} runs of {CODE}, {args.people} people at a time, a kill "
          f"after {args.uptime[0]:g}-{args.uptime[1]:g} s of polling, seed {seed} "
          f"(CRASH_SEED={seed} to repeat), bot from {args.project}, database "
          f"{args.database_url or 'SQLite'}", flush=True)

    async def guarded(folder: Path) -> int:
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, task.cancel)
        return await run_bench(args.runs, args.people, seed, args.project.resolve(), folder,
                               args.minutes, tuple(args.uptime), args.database_url)

    keep = os.environ.get("CRASH_KEEP")  # a folder to keep the database and the bot's logs in
    with contextlib.ExitStack() as stack:
        folder = keep or stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-crash-"))
        Path(folder).mkdir(parents=True, exist_ok=True)
        try:
            return asyncio.run(guarded(Path(folder)))
        except asyncio.CancelledError:
            print("interrupted; the bot was killed")
            return 130


if __name__ == "__main__":
    raise SystemExit(main())
