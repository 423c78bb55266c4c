"""The rollup of completed responses that /summary adds up (models.surveys.response_scores):
written in the transaction that completes a response, and again wherever a completed
response's answers change (erasure).

Each row is computed by the database from the stored answers with the same json_integer the
per-person functions' SQL uses, so a value is a score in the rollup exactly when it is one in
the answers (SQLite, for one, stores a JSON 2.0 as the integer 2).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence

from sqlalchemy import BigInteger, and_, case, delete, func, insert, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Answer, QuestionnaireVersion, Response, response_scores
from models.surveys import score_column
from services.reports import json_integer


async def record(session: AsyncSession, response_ids: Collection[int] | None, code: str,
                 version: int, question_ids: Sequence[str]) -> None:
    """(Re)write the rows of these responses (None: every response), all of one questionnaire
    version whose questions are `question_ids` in order; a response not completed gets none.
    The caller flushes the answers first."""
    of_version = and_(Response.questionnaire_code == code,
                      Response.questionnaire_version == version)
    if response_ids is not None:
        if not response_ids:
            return
        of_version = and_(of_version, Response.id.in_(sorted(response_ids)))
    await session.execute(delete(response_scores).where(
        response_scores.c.response_id.in_(select(Response.id).where(of_version))))
    score = json_integer(Answer.value)
    bits = case(*((Answer.question_id == question, literal(1 << position, BigInteger))
                  for position, question in enumerate(question_ids)), else_=0)
    scores = [func.max(case((Answer.question_id == question, score)))
              for question in question_ids]
    query = (
        select(Response.id, Response.user_id, Response.questionnaire_code,
               Response.questionnaire_version, Response.completed_at,
               func.coalesce(func.sum(bits), 0), *scores)
        .outerjoin(Answer, Answer.response_id == Response.id)
        .where(of_version, Response.completed_at.is_not(None))
        .group_by(Response.id, Response.user_id, Response.questionnaire_code,
                  Response.questionnaire_version, Response.completed_at))
    columns = ["response_id", "user_id", "questionnaire_code", "questionnaire_version",
               "completed_at", "answered",
               *(score_column(position) for position in range(len(question_ids)))]
    await session.execute(insert(response_scores).from_select(columns, query))


async def record_all(session: AsyncSession) -> None:
    """Rewrite every response's row: for data written around the service (a benchmark's
    bulk inserts, a test's fixtures)."""
    await session.flush()
    stored = await question_lists(session, None)
    for (code, version), questions in stored.items():
        await record(session, None, code, version, questions)


async def record_responses(session: AsyncSession, response_ids: Collection[int]) -> None:
    """Rewrite the rows of these responses of any questionnaires, their versions' questions read
    from the stored definitions."""
    if not response_ids:
        return
    await session.flush()
    versions: dict[tuple[str, int], list[int]] = defaultdict(list)
    for response_id, code, version in await session.execute(
            select(Response.id, Response.questionnaire_code, Response.questionnaire_version)
            .where(Response.id.in_(sorted(response_ids)))):
        versions[code, version].append(response_id)
    questions = await question_lists(session, {code for code, _ in versions})
    for (code, version), ids in versions.items():
        await record(session, ids, code, version, questions.get((code, version), []))


async def question_lists(session: AsyncSession,
                         codes: Collection[str] | None) -> dict[tuple[str, int], list[str]]:
    """The question ids, in order, of every stored version of these questionnaires (None:
    all): what a rollup row's positions stand for."""
    query = select(QuestionnaireVersion.code, QuestionnaireVersion.version,
                   QuestionnaireVersion.definition)
    if codes is not None:
        query = query.where(QuestionnaireVersion.code.in_(sorted(codes)))
    rows = await session.execute(query)
    return {(code, version): [question["id"] for question in definition["questions"]]
            for code, version, definition in rows}
