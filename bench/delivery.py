"""Outbox delivery against a stand-in that answers 429 whenever Telegram's limits are broken.

    .venv/bin/python -m bench.delivery        # takes about three to four minutes

1. 5,000 urgent messages due now, one row each: 4,800 to 2,400 private chats (each chat's two
   back to back) and 200 to 5 groups (every 25th row), sent by the real worker and Delivery
   (real sleeps) to bench.limited_standin over HTTP on 127.0.0.1. Prints messages sent, seconds,
   the rate as a ratio of Telegram's 30 messages a second (overall and private chats only), the
   429s the stand-in answered, and messages lost or duplicated.
2. Start-up with 100,000 reminders due over the next 30 days: the seconds from build_app to the
   first pump (which must send nothing), and the number of scheduler jobs (should be 1).

SQLite in a temporary folder; every figure is measured in this run.
"""

from __future__ import annotations

import asyncio
import re
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import func, insert, select

from bench.limited_standin import OVERALL_PER_SECOND, LimitedStandIn
from bot.config import PROJECT_ROOT, Settings, load_settings
from bot.factory import build_app, create_bot
from models import OutboxMessage
from services import outbox
from services.outbox import Status

TOKEN = "4200:BENCH-token-for-the-delivery-benchmark"
PER_CHAT = 2  # messages to each private chat, back to back
GROUPS, GROUP_EVERY = 5, 25
TOTAL = 5_000
TIME_LIMIT = 600.0
FUTURE_ROWS, FUTURE_DAYS = 100_000, 30
TEXT_KEY = "pair-started-curator"  # «Пара начала работу: { $pair } ({ $form }).»
NUMBER = re.compile(r"#(\d+)")


def settings_for(folder: Path, base_url: str) -> Settings:
    return load_settings(_env_file=None, bot_token=TOKEN, redis_url="",
                         database_url=f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}",
                         telegram_api_url=base_url, content_dir=PROJECT_ROOT / "content")


def recipients() -> list[tuple[int, bool]]:
    """(chat_id, is_group) for message number n = 0..TOTAL-1."""
    chats, private = [], 0
    for n in range(TOTAL):
        if n % GROUP_EVERY == GROUP_EVERY - 1:
            chats.append((-1_000_000_000_000 - (n // GROUP_EVERY) % GROUPS, True))
        else:
            chats.append((10_000_000 + private // PER_CHAT, False))
            private += 1
    return chats


async def statuses(app) -> Counter[str]:
    async with app.sessionmaker() as session:
        rows = await session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
        return Counter(dict(rows.all()))


async def send_due(folder: Path, standin: LimitedStandIn) -> None:
    settings = settings_for(folder, standin.base_url)
    app = build_app(settings)
    await app.prepare_database()
    bot = create_bot(settings)
    worker = app.outbox_worker(bot)
    dispatcher = app.dispatcher
    # As start_polling does: the startup hooks load the locales (and register the command menus).
    await dispatcher.emit_startup(bot=bot, bots=[bot], dispatcher=dispatcher,
                                  **dispatcher.workflow_data)
    chats = recipients()
    now = datetime.now(UTC)
    async with app.sessionmaker() as session:
        for n, (chat_id, is_group) in enumerate(chats):
            await outbox.schedule(session, kind="bench", chat_id=chat_id, text_key=TEXT_KEY,
                                  due_at=now, user_id=None, urgent=True, is_group=is_group,
                                  params={"pair": f"#{n}", "form": "-"})
        await session.commit()

    started = time.monotonic()
    deadline = started + TIME_LIMIT
    timed_out = False
    while True:
        left = deadline - time.monotonic()
        try:
            if left <= 0:
                raise TimeoutError
            handled = await asyncio.wait_for(worker.pump(), left)
        except TimeoutError:
            timed_out = True
            break
        counts = await statuses(app)
        if not handled or not counts[Status.PENDING] + counts[Status.SENDING]:
            break
    elapsed = time.monotonic() - started
    counts = await statuses(app)
    await dispatcher.emit_shutdown(bot=bot, bots=[bot], dispatcher=dispatcher,
                                   **dispatcher.workflow_data)
    await bot.session.close()
    await app.close()

    seen: Counter[int] = Counter()
    wrong_chat = 0
    for message in standin.accepted:
        n = int(NUMBER.search(message.text).group(1))
        seen[n] += 1
        wrong_chat += message.chat_id != chats[n][0]
    private = [m.at - started for m in standin.accepted if m.chat_id > 0]
    groups = [m.at - started for m in standin.accepted if m.chat_id < 0]
    sent = counts[Status.SENT]
    private_rate = len(private) / max(private) if private else 0.0
    overall_rate = len(standin.accepted) / elapsed

    to_groups = sum(is_group for _, is_group in chats)
    private_chats = len({chat_id for chat_id, is_group in chats if not is_group})
    print(f"1. {TOTAL} messages due now: {TOTAL - to_groups} to {private_chats} private chats "
          f"({PER_CHAT} each, back to back), {to_groups} to {GROUPS} groups "
          f"(every {GROUP_EVERY}th row)")
    if timed_out:
        print(f"   STOPPED at the time limit of {TIME_LIMIT:.0f} s")
    print(f"   rows by status: {dict(sorted(counts.items()))}")
    print(f"   sent: {sent} rows, {len(standin.accepted)} accepted by the stand-in, "
          f"in {elapsed:.1f} s")
    print(f"   overall: {overall_rate:.1f} msg/s = {overall_rate / OVERALL_PER_SECOND:.2f} of "
          f"the {OVERALL_PER_SECOND}/s limit")
    if private:
        print(f"   private chats: {len(private)} accepted, the last at {max(private):.1f} s: "
              f"{private_rate:.1f} msg/s = {private_rate / OVERALL_PER_SECOND:.2f} of the limit")
    if groups:
        print(f"   groups: {len(groups)} accepted, the last at {max(groups):.1f} s")
    print(f"   429 answered by the stand-in: {standin.too_many} "
          f"({', '.join(f'{k} {v}' for k, v in sorted(standin.refused.items())) or 'none'})")
    print(f"   lost: {TOTAL - sent} rows not sent, "
          f"{sum(1 for n in range(TOTAL) if not seen[n])} texts never accepted; "
          f"duplicated: {sum(c - 1 for c in seen.values() if c > 1)}; "
          f"sent to a wrong chat: {wrong_chat}")


async def start_up(folder: Path, standin: LimitedStandIn) -> None:
    settings = settings_for(folder, standin.base_url)
    app = build_app(settings)
    await app.prepare_database()
    now = datetime.now(UTC)
    step = timedelta(days=FUTURE_DAYS) / FUTURE_ROWS
    async with app.sessionmaker() as session:
        for first in range(0, FUTURE_ROWS, 10_000):
            await session.execute(insert(OutboxMessage), [
                {"kind": "reminder", "user_id": None, "chat_id": 20_000_000 + n % 5_000,
                 "is_group": False, "text_key": TEXT_KEY,
                 "params": {"pair": f"#{n}", "form": "-"}, "buttons": None,
                 "due_at": now + timedelta(minutes=5) + step * n, "urgent": False,
                 "status": Status.PENDING, "dedupe_key": f"bench:{n}", "attempts": 0,
                 "created_at": now}
                for n in range(first, min(first + 10_000, FUTURE_ROWS))])
        await session.commit()
    await app.close()

    accepted_before = len(standin.accepted)
    bot = create_bot(settings)
    started = time.perf_counter()
    app = build_app(settings)
    await app.prepare_database()
    worker = app.outbox_worker(bot)
    scheduler = AsyncIOScheduler(timezone=settings.timezone)
    worker.start(scheduler)
    scheduler.start()
    handled = await asyncio.wait_for(worker.pump(), 60)
    elapsed = time.perf_counter() - started
    jobs = len(scheduler.get_jobs())
    scheduler.shutdown(wait=False)
    await worker.drain()
    counts = await statuses(app)
    await bot.session.close()
    await app.close()
    print(f"2. start-up with {FUTURE_ROWS} reminders due over the next {FUTURE_DAYS} days:")
    print(f"   build_app + prepare_database + worker + scheduler + first pump: {elapsed:.2f} s")
    print(f"   scheduler jobs: {jobs}; rows handled by the pump: {handled}; "
          f"sent: {counts[Status.SENT]}, accepted by the stand-in: "
          f"{len(standin.accepted) - accepted_before}; still pending: {counts[Status.PENDING]}")


async def main() -> None:
    standin = LimitedStandIn()
    await standin.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            for name in ("due", "startup"):
                (Path(folder) / name).mkdir()
            await send_due(Path(folder) / "due", standin)
            await start_up(Path(folder) / "startup", standin)
    finally:
        await standin.stop()


if __name__ == "__main__":
    asyncio.run(main())
