"""No personal data in the log: a database error in the middle of an update is logged with its
kind, the SQL statement and where it happened, never with the values it refused (names,
answers) nor the person's Telegram id."""

import json
import logging

import pytest
from sqlalchemy import select, text

from models import Answer
from tests.flows import TEACHER_MENTEE, register

pytestmark = pytest.mark.db
TYPED = "СЕКРЕТНЫЙ-ОТВЕТ про Иванову"
PERSON_ID = 5_550_111_222


async def refuse_typed_answers(running) -> None:
    """A database that refuses this answer, quoting it in its error where it can."""
    async with running.app.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(text(
                "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN "
                "IF NEW.question_id = 'expected_help' THEN "
                "RAISE EXCEPTION 'refused: % of %', NEW.value, NEW.response_id; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql"))
            await connection.execute(text(
                "CREATE TRIGGER refuse BEFORE INSERT ON answers "
                "FOR EACH ROW EXECUTE FUNCTION refuse()"))
        else:
            await connection.execute(text(
                "CREATE TRIGGER refuse BEFORE INSERT ON answers "
                "WHEN NEW.question_id = 'expected_help' BEGIN SELECT RAISE(ABORT, 'refused'); "
                "END"))


async def test_a_database_error_mid_update_logs_no_personal_data(running, caplog):
    anna = running.person(PERSON_ID)
    await register(anna, TEACHER_MENTEE)
    await anna.press("Начать: Диагностика")
    for score in [3, 2, 0, 0, 0, 0, 0, 3]:
        await anna.press(str(score))
    await refuse_typed_answers(running)
    with caplog.at_level(logging.INFO):
        await anna.send(TYPED)
    assert "Что-то пошло не так" in anna.last.text  # the person is told; nothing half-saved
    async with running.session() as session:
        assert await session.scalar(select(Answer).where(
            Answer.question_id == "expected_help")) is None
    logged = caplog.text
    assert "failed" in logged and "INSERT INTO answers" in logged and "Traceback" in logged
    # As typed, and as the JSON column's parameter would show it in a statement's parameters.
    escaped = json.dumps(TYPED)[1:-1]
    for personal in (TYPED, escaped, escaped.replace("\\", "\\\\"), "Иванова", "Иванову",
                     str(PERSON_ID), "Анна", "[parameters:"):
        assert personal not in logged, personal
