"""The FSM storage contract, for the database storage and (with TEST_REDIS_URL) for Redis."""

import pytest
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import func, select

from bot.factory import create_storage
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
