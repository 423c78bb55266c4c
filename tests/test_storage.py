"""The FSM storage contract, for the database storage and (with TEST_REDIS_URL) for Redis."""

import asyncio

import pytest
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.redis import RedisEventIsolation
from sqlalchemy import func, select

from bot.factory import create_storage
from bot.storage import PersonLocks
from models import FsmRecord

pytestmark = [pytest.mark.db, pytest.mark.fsm]


class Sample(StatesGroup):
    waiting = State()


async def test_state_and_data_round_trip_and_leave_nothing_behind(running):
    storage = create_storage(running.app.settings, running.app.sessionmaker)
    key = StorageKey(bot_id=1, chat_id=2, user_id=2)
    assert await storage.get_state(key) is None and await storage.get_data(key) == {}
    await storage.set_state(key, Sample.waiting)
    await storage.set_data(key, {"flow": "s", "ref": 7, "draft": {"chosen": ["a", "b"]}})
    assert await storage.get_state(key) == Sample.waiting.state
    assert await storage.update_data(key, {"ref": 8}) == {
        "flow": "s", "ref": 8, "draft": {"chosen": ["a", "b"]}}
    other = StorageKey(bot_id=1, chat_id=3, user_id=3)
    assert await storage.get_state(other) is None
    await storage.set_state(key, None)
    await storage.set_data(key, {})
    assert await storage.get_state(key) is None and await storage.get_data(key) == {}
    async with running.session() as session:
        assert await session.scalar(select(func.count()).select_from(FsmRecord)) == 0
    await storage.close()


async def test_the_app_serialises_each_persons_updates(running):
    isolation = running.app.dispatcher.fsm.events_isolation
    # Across processes through Redis when they share it, else in this process.
    expected = RedisEventIsolation if running.app.settings.redis_url else PersonLocks
    assert isinstance(isolation, expected)


async def test_person_locks_keep_order_and_forget_idle_people():
    locks, order = PersonLocks(), []
    anna, boris = StorageKey(bot_id=1, chat_id=2, user_id=2), StorageKey(1, 3, 3)

    async def handle(key: StorageKey, name: str, pause: float) -> None:
        async with locks.lock(key):
            order.append(f"{name} in")
            await asyncio.sleep(pause)
            order.append(f"{name} out")

    await asyncio.gather(handle(anna, "a1", 0.02), handle(anna, "a2", 0), handle(boris, "b", 0))
    # Anna's second update waits for her first; Boris is not held up by either.
    assert order.index("a1 out") < order.index("a2 in")
    assert order.index("b in") < order.index("a1 out")
    assert locks.held == 0
