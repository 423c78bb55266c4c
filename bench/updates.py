"""Cost of one update through our app, as a ratio of a bare aiogram handler, measured in one run.

    .venv/bin/python -m bench.updates [N]

Both go through the same mocked Bot API session, so the figures compare our middlewares, database
writes and rendering with aiogram's own dispatch, not the network. SQLite in a temporary folder.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

from aiogram import Dispatcher
from aiogram.types import Message

from bot.config import PROJECT_ROOT, load_settings
from bot.factory import build_app
from tests.flows import TEACHER_MENTEE, register
from tests.telegram import TOKEN, Person, mocked_bot


async def per_update(person: Person, action, count: int) -> float:
    started = time.perf_counter()
    for index in range(count):
        await action(person, index)
    return (time.perf_counter() - started) / count


async def bare(count: int) -> float:
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    return await per_update(Person(dispatcher, mocked_bot(), 1), lambda p, i: p.send("hi"), count)


async def ours(count: int, folder: Path) -> tuple[float, float]:
    settings = load_settings(_env_file=None, bot_token=TOKEN, redis_url="",
                             database_url=f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}",
                             content_dir=PROJECT_ROOT / "content")
    app = build_app(settings)
    await app.prepare_database()
    bot = mocked_bot()
    await app.dispatcher.emit_startup(bot=bot, bots=[bot], dispatcher=app.dispatcher,
                                      **app.dispatcher.workflow_data)
    person = Person(app.dispatcher, bot, 1)
    await register(person, TEACHER_MENTEE)
    help_cost = await per_update(person, lambda p, i: p.send("/help"), count)

    async def answer(p: Person, index: int) -> None:
        # The diagnosis: eight scales, a category, a typed answer; then «Пройти заново» starts a
        # fresh response.
        step = index % 11
        if step == 0:
            await p.send("/surveys")
            label = "Продолжить: Диагностика" if index == 0 else "Пройти заново: Диагностика"
            await p.press(label)
        elif step <= 8:
            await p.press("2")
        elif step == 9:
            await p.press("Молодой специалист")
        else:
            await p.send("Помощь с уроками")

    await person.press("Начать: Диагностика")
    answer_cost = await per_update(person, answer, count)
    await app.close()
    return help_cost, answer_cost


async def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        baseline = await bare(count)
        help_cost, answer_cost = await ours(count, Path(folder))
    print(f"updates per case: {count}")
    print(f"bare aiogram echo handler: {baseline * 1000:.2f} ms/update (= 1.0)")
    print(f"our /help (session, user, i18n, FSM): {help_cost * 1000:.2f} ms/update "
          f"= {help_cost / baseline:.1f}x bare")
    print(f"our questionnaire answer (saved, next question rendered): "
          f"{answer_cost * 1000:.2f} ms/update = {answer_cost / baseline:.1f}x bare")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 300))
