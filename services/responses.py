"""A response as the answering flow sees it, read and written with plain statements.

Every press reads one response with its answers and writes one answer and where the response
stands. As ORM objects that cost more than the statements themselves: a dozen instances made
and tracked per read, and the unit of work walked at the commit to find three changed rows
(bench.updates). Here the read is one statement whose rows become a snapshot, and each write is
one statement, run at once in the update's transaction; the snapshot is kept in step with what
was written, so the rest of the update reads what the database now holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from models import Answer, Response
from models.db import LATER, dialect_insert

_responses, _answers = Response.__table__, Answer.__table__

# Built once: a statement made per call costs its cache key again on every press.
_READ = (select(_responses.c.id, _responses.c.user_id, _responses.c.questionnaire_code,
                _responses.c.questionnaire_version, _responses.c.current_question,
                _responses.c.completed_at, _responses.c.role, _answers.c.question_id,
                _answers.c.value)
         .outerjoin(_answers, _answers.c.response_id == _responses.c.id)
         .where(_responses.c.id == bindparam("response_id")))
# The bound names differ from the columns': SQLAlchemy keeps those for itself in a SET clause.
# Nothing reads what the writes return: SQLite runs them with the commit (models.db.LATER).
_MOVE = (update(_responses).where(_responses.c.id == bindparam("response_id"))
         .values(current_question=bindparam("to"), updated_at=bindparam("at"),
                 completed_at=bindparam("done_at"))
         .execution_options(**{LATER: True}))
_SAVE_ANSWER: dict[str, Any] = {}


def _save_answer(dialect: str) -> Any:
    """INSERT … ON CONFLICT (response, question) DO UPDATE: a first answer and a changed one
    alike, in one statement, on either database."""
    if dialect not in _SAVE_ANSWER:
        insert = dialect_insert(dialect, _answers)
        _SAVE_ANSWER[dialect] = insert.on_conflict_do_update(
            index_elements=[_answers.c.response_id, _answers.c.question_id],
            set_={"value": insert.excluded.value, "skipped": insert.excluded.skipped,
                  "answered_at": insert.excluded.answered_at}).execution_options(**{LATER: True})
    return _SAVE_ANSWER[dialect]


@dataclass
class ResponseSnapshot:
    id: int
    user_id: int
    questionnaire_code: str
    questionnaire_version: int
    current_question: str | None
    completed_at: datetime | None
    role: str | None = None  # the respondent's role the questionnaire was opened for
    answers: dict[str, Any] = field(default_factory=dict)  # question id → value (None: skipped)

    @classmethod
    def of(cls, response: Response) -> ResponseSnapshot:
        """From a response loaded as an ORM object, with its answers."""
        return cls(response.id, response.user_id, response.questionnaire_code,
                   response.questionnaire_version, response.current_question,
                   response.completed_at, response.role,
                   {a.question_id: a.value for a in response.answers})


async def read(session: AsyncSession, response_id: int) -> ResponseSnapshot | None:
    rows = (await session.execute(_READ, {"response_id": response_id})).all()
    if not rows:
        return None
    first = rows[0]
    snapshot = ResponseSnapshot(first.id, first.user_id, first.questionnaire_code,
                                first.questionnaire_version, first.current_question,
                                first.completed_at, first.role)
    snapshot.answers = {row.question_id: row.value for row in rows if row.question_id is not None}
    return snapshot


async def save_answer(session: AsyncSession, snapshot: ResponseSnapshot, question_id: str,
                      value: Any, *, skipped: bool, at: datetime) -> None:
    await session.execute(_save_answer(session.bind.dialect.name), {
        "response_id": snapshot.id, "question_id": question_id, "value": value,
        "skipped": skipped, "answered_at": at})
    snapshot.answers[question_id] = value


async def move(session: AsyncSession, snapshot: ResponseSnapshot, current: str | None, *,
               at: datetime, completed_at: datetime | None = None) -> None:
    """The question the response is on now (None once complete)."""
    await session.execute(_MOVE, {"response_id": snapshot.id, "to": current, "at": at,
                                  "done_at": completed_at})
    snapshot.current_question, snapshot.completed_at = current, completed_at
    # The same response loaded as an ORM object in this update (starting a questionnaire loads
    # it so) is told too: a later query would hand back that object, not the row.
    loaded = session.sync_session.identity_map.get(identity_key(Response, snapshot.id))
    if loaded is not None:
        for name, value in (("current_question", current), ("updated_at", at),
                            ("completed_at", completed_at)):
            set_committed_value(loaded, name, value)
