"""Cost of one update through our app, as a ratio of a bare aiogram handler, measured in one run.

    .venv/bin/python -m bench.updates [N] [--database URL]

Both go through the same mocked Bot API session, so the figures compare our middlewares, database
work and rendering with aiogram's own dispatch, not the network. SQLite in a temporary folder by
default; `--database postgresql+asyncpg://postgres@127.0.0.1:5432/test` (emptied first) for
PostgreSQL. Printed: milliseconds per update, the ratio to the bare handler, the floor of the
stack (the bare handler plus the least SQL an answer needs, through SQLAlchemy Core on the app's
own engine) with our answer's ratio to it, and the SQL statements and commits one answer costs,
counted on every engine the app uses.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiogram import Dispatcher
from aiogram.types import CallbackQuery, Message
from sqlalchemy import event, text

from bot.config import PROJECT_ROOT, load_settings
from bot.factory import build_app
from models.db import create_engine
from tests.conftest import reset_server_database
from tests.flows import TEACHER_MENTEE, register
from tests.telegram import TOKEN, Person, mocked_bot

ROUNDS = 3


class Statements:
    """SQL statements and commits on an engine."""

    def __init__(self, engine) -> None:
        self.executed = self.commits = 0
        event.listen(engine.sync_engine, "before_cursor_execute", self._executed)
        event.listen(engine.sync_engine, "commit", self._committed)

    def _executed(self, *_: Any) -> None:
        self.executed += 1

    def _committed(self, *_: Any) -> None:
        self.commits += 1


def bare_dispatcher(before_edit: Callable[[], Awaitable[None]] | None = None) -> Dispatcher:
    """aiogram alone: a text answered with a text; a button press answered and its message
    edited, as our answer does (after `before_edit`, if given)."""
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    @dispatcher.callback_query()
    async def edit(query: CallbackQuery) -> None:
        if before_edit is not None:
            await before_edit()
        await query.answer()
        await query.message.edit_text(f"next {query.data}")

    return dispatcher


async def timed(dispatcher: Dispatcher, count: int) -> tuple[float, float]:
    """Seconds per text, and per press on the message the first text was answered with."""
    person = Person(dispatcher, mocked_bot(), 1)
    await person.send("hi")
    shown = person.last
    started = time.perf_counter()
    for _ in range(count):
        await person.send("hi")
    text_cost = (time.perf_counter() - started) / count
    started = time.perf_counter()
    for index in range(count):
        await person.press_data(f"x{index}", shown.message_id)
    return text_cost, (time.perf_counter() - started) / count


async def bare(count: int) -> tuple[float, float]:
    return await timed(bare_dispatcher(), count)


FLOOR_TABLES = (
    "CREATE TABLE floor_response (id INTEGER PRIMARY KEY, step INTEGER, state TEXT)",
    "CREATE TABLE floor_answer (response INTEGER, question INTEGER, value TEXT, "
    "PRIMARY KEY (response, question))",
    "CREATE TABLE floor_mark (bot BIGINT, update_id BIGINT, PRIMARY KEY (bot, update_id))",
    "INSERT INTO floor_response VALUES (1, 0, 'answering')",
)


async def bare_sql(count: int, url: str) -> float:
    """The floor of the stack: the bare press handler that also does, through SQLAlchemy Core
    on the app's own engine (same driver, same pragmas), the SQL an answer needs at least: read
    the response, mark the update, upsert the answer, move the response, one commit."""
    engine = create_engine(url)
    async with engine.begin() as connection:
        for statement in FLOOR_TABLES:
            await connection.execute(text(statement))
    pressed = 0

    async def answer() -> None:
        nonlocal pressed
        pressed += 1
        async with engine.connect() as connection:
            (await connection.execute(text(
                "SELECT id, step, state FROM floor_response WHERE id = 1"))).one()
            await connection.execute(text("INSERT INTO floor_mark VALUES (1, :update_id)"),
                                     {"update_id": pressed})
            await connection.execute(text(
                "INSERT INTO floor_answer VALUES (1, :question, '2') ON CONFLICT "
                "(response, question) DO UPDATE SET value = excluded.value"),
                {"question": pressed % 8})
            await connection.execute(text("UPDATE floor_response SET step = :step WHERE id = 1"),
                                     {"step": pressed})
            await connection.commit()

    _, spent = await timed(bare_dispatcher(answer), count)
    await engine.dispose()
    return spent


async def ours(count: int, url: str) -> dict[str, float]:
    settings = load_settings(_env_file=None, bot_token=TOKEN, redis_url="", database_url=url,
                             content_dir=PROJECT_ROOT / "content")
    app = build_app(settings)
    await app.prepare_database()
    bot = mocked_bot()
    await app.dispatcher.emit_startup(bot=bot, bots=[bot], dispatcher=app.dispatcher,
                                      **app.dispatcher.workflow_data)
    gc.freeze()  # as `python -m bot` does once started
    person = Person(app.dispatcher, bot, 1)
    await register(person, TEACHER_MENTEE)
    statements = Statements(app.engine)

    started = time.perf_counter()
    for _ in range(count):
        await person.send("/help")
    help_cost = (time.perf_counter() - started) / count

    # The diagnosis opens with eight scales: each press is saved and the next question edited
    # in. Only the presses are timed; starting the questionnaire again is not.
    answered = 0
    spent = 0.0
    executed = commits = 0
    first = True
    while answered < count:
        await person.send("/surveys")
        await person.press("Начать: Диагностика" if first else "Пройти заново: Диагностика")
        first = False
        for _ in range(min(8, count - answered)):
            before = (statements.executed, statements.commits)
            started = time.perf_counter()
            await person.press("2")
            spent += time.perf_counter() - started
            executed += statements.executed - before[0]
            commits += statements.commits - before[1]
            answered += 1
        if answered < count:  # the situation is the profile's answer: the text is all left
            await person.send("Помощь с уроками")
    await app.close()
    return {"help": help_cost, "answer": spent / answered, "statements": executed / answered,
            "commits": commits / answered}


async def main(count: int, database: str | None) -> None:
    print(f"updates per case: {count}; medians of {ROUNDS} rounds; database: "
          f"{'PostgreSQL' if database else 'SQLite'}")
    results: dict[str, list[float]] = {}
    for _ in range(ROUNDS):
        with tempfile.TemporaryDirectory() as folder:
            url = database or f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
            if database:
                await reset_server_database(database)
            text_cost, edit_cost = await bare(count)
            floor = await bare_sql(count, url)
            measured = await ours(count, url)
        for name, value in {"bare_text": text_cost, "bare_edit": edit_cost, "floor": floor,
                            **measured}.items():
            results.setdefault(name, []).append(value)
    median = {name: statistics.median(values) for name, values in results.items()}
    print(f"bare aiogram, text answered: {median['bare_text'] * 1000:.2f} ms/update (= 1.0)")
    print(f"bare aiogram, press answered and message edited: "
          f"{median['bare_edit'] * 1000:.2f} ms/update (= 1.0)")
    print(f"bare aiogram press + the answer's least SQL through SQLAlchemy Core (read, mark, "
          f"upsert, update, commit): {median['floor'] * 1000:.2f} ms/update "
          f"= {median['floor'] / median['bare_edit']:.1f}x bare")
    print(f"our /help: {median['help'] * 1000:.2f} ms/update "
          f"= {median['help'] / median['bare_text']:.1f}x bare")
    print(f"our questionnaire answer (press saved, next question edited in): "
          f"{median['answer'] * 1000:.2f} ms/update "
          f"= {median['answer'] / median['bare_edit']:.1f}x bare "
          f"= {median['answer'] / median['floor']:.1f}x the bare SQL")
    print(f"per answer: {median['statements']:.1f} SQL statements, "
          f"{median['commits']:.1f} commits (every engine of the app)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("count", nargs="?", type=int, default=200)
    parser.add_argument("--database", default=None)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.count, arguments.database))
