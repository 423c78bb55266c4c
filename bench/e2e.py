"""End to end over HTTP: many people at once against `python -m bot`, and against a bare aiogram
bot, through the same Bot API stand-in, in one run.

    .venv/bin/python -m bench.e2e [PEOPLE] [--rounds R]

PEOPLE (300) people each send /help, wait for the answer, and send it again, R times (5): a
closed loop, as people do. `python -m bot` runs on SQLite in a temporary folder with long
polling; bench/bare_bot.py is aiogram alone with one handler that answers every message. Both go
through bot/demo/telegram_api.py over HTTP. Printed for each: updates answered a second over the
whole crowd, p50 and p99 from a person's /help reaching the stand-in to the answer being in
their chat; then ours as a ratio of the bare bot (the target: at least 0.25x, with a p99 under
1 s; 0.019x and 13 s before issue 13).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.burst import percentile
from bot.config import PROJECT_ROOT
from bot.demo.telegram_api import LocalBotAPI
from tests.e2e_people import FAKE_TOKEN, BotProcess, Person, _die_with_parent, bot_env

FIRST_ID = 800_000


async def loop(person: Person, rounds: int, latencies: list[float]) -> None:
    for _ in range(rounds):
        since = person.standin.seq
        started = time.monotonic()
        person.send("/help")
        await person.standin.wait_until(lambda since=since: person.fresh(since), 60)
        latencies.append(time.monotonic() - started)


async def crowd(standin: LocalBotAPI, people: int, rounds: int) -> tuple[float, list[float]]:
    persons = [Person(standin, FIRST_ID + index, f"Участник {index}") for index in range(people)]
    latencies: list[float] = []
    started = time.monotonic()
    await asyncio.gather(*(loop(person, rounds, latencies) for person in persons))
    return len(latencies) / (time.monotonic() - started), latencies


async def ours(people: int, rounds: int) -> tuple[float, list[float]]:
    standin = LocalBotAPI()
    await standin.start()
    with tempfile.TemporaryDirectory() as folder:
        logs = Path(folder)
        bot = BotProcess(standin, logs, DATABASE_URL=f"sqlite+aiosqlite:///{logs / 'e2e.sqlite3'}")
        try:
            await bot.start()
            await bot.ready()
            return await crowd(standin, people, rounds)
        finally:
            await bot.interrupt()
            await standin.stop()


async def bare(people: int, rounds: int) -> tuple[float, list[float]]:
    standin = LocalBotAPI()
    await standin.start()
    env = bot_env(BOT_TOKEN=FAKE_TOKEN, TELEGRAM_API_URL=standin.base_url,
                  PYTHONPATH=str(PROJECT_ROOT))
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.bare_bot", cwd=PROJECT_ROOT, env=env,
        stdin=asyncio.subprocess.DEVNULL, preexec_fn=_die_with_parent)
    try:
        await standin.wait_until(lambda: any(r.method == "getUpdates" for r in standin.requests),
                                 30)
        return await crowd(standin, people, rounds)
    finally:
        process.terminate()
        await process.wait()
        await standin.stop()


def line(name: str, rate: float, latencies: list[float]) -> None:
    print(f"  {name:<22} {rate:9.1f} {statistics.median(latencies) * 1000:9.0f} "
          f"{percentile(latencies, 0.99) * 1000:9.0f}")


async def main(people: int, rounds: int) -> None:
    print(f"{people} people, /help {rounds} times each in a closed loop, over HTTP through the "
          f"Bot API stand-in; long polling")
    bare_rate, bare_latencies = await bare(people, rounds)
    our_rate, our_latencies = await ours(people, rounds)
    print(f"  {'':<22} {'updates/s':>9} {'p50 ms':>9} {'p99 ms':>9}")
    line("bare aiogram bot", bare_rate, bare_latencies)
    line("python -m bot (SQLite)", our_rate, our_latencies)
    p99 = percentile(our_latencies, 0.99)
    print(f"  ours / bare: {our_rate / bare_rate:.3f}x the updates a second; p99 {p99:.2f} s "
          f"(target: >= 0.25x and under 1 s: "
          f"{'met' if our_rate / bare_rate >= 0.25 and p99 < 1 else 'NOT met'})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("people", nargs="?", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.people, arguments.rounds))
