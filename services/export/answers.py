"""One table per questionnaire: every response in the scope, a column per question."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

from sqlalchemy import or_, select

from domain.answering import choice_text, chosen_people
from domain.questionnaire import Question, Questionnaire, QuestionType
from models import (
    Answer,
    Profile,
    Response,
    School,
    UserRole,
)
from services.export.helpers import as_number, person_name
from services.export.table import (
    LIST_SEPARATOR,
    NO_NAME,
    Row,
    Value,
)
from services.reports import answer_object


class AnswerTables:
    """Mixed into export.tables.Tables, whose lookups it uses."""
    # Questionnaires ----------------------------------------------------------------------------

    def _answer_columns(self, questionnaire: Questionnaire) -> list[tuple[str, int]]:
        return [("export-col-name", 32), ("export-col-role", 22), ("export-col-school", 24),
                ("export-col-started", 17), ("export-col-finished", 17)] + [
            (question.text.get(self.locale), 30 if question.type is QuestionType.TEXT else 16)
            for question in questionnaire.questions]

    def _answer_rows_of(self, questionnaire: Questionnaire) -> Callable[[], AsyncIterator[Row]]:
        return lambda: self._answer_rows(questionnaire)

    async def _answer_rows(self, questionnaire: Questionnaire) -> AsyncIterator[Row]:
        """One row per response of people of the scope active in the period, in response
        order. Each comes from the database with who answered, when, and its answers as one
        JSON object: a region has about ten answers a response, and a row for each, every value
        decoded on its own, cost the export more than writing them."""
        questions = {q.id: index for index, q in enumerate(questionnaire.questions)}
        answered = (select(answer_object(Answer.question_id, Answer.value))
                    .where(Answer.response_id == Response.id, Answer.skipped.is_(False),
                           Answer.value.is_not(None))
                    .correlate(Response).scalar_subquery())
        query = self.scope.roles(
            select(Profile.full_name, Response.role, School.name, Response.started_at,
                   Response.completed_at, answered)
            .join(UserRole, (UserRole.user_id == Response.user_id)
                  & (UserRole.role == Response.role))
            .outerjoin(School, School.id == UserRole.school_id)
            .outerjoin(Profile, Profile.user_id == Response.user_id)
            .where(Response.questionnaire_code == questionnaire.id,
                   Response.started_at < self.scope.until,
                   or_(Response.completed_at.is_(None),
                       Response.completed_at >= self.scope.since))
            .order_by(Response.id))
        async with self.stream(query) as partitions:
            async for part in partitions:
                responses = []
                for name, role, school, started_at, completed_at, answers in part:
                    values: list[Any] = [None] * len(questions)
                    for question_id, value in (answers or {}).items():
                        if question_id in questions and value is not None:
                            values[questions[question_id]] = value
                    responses.append((None, [person_name(name), self.prefixed("role-", role),
                                             school or "", self.local(started_at),
                                             self.local(completed_at)], values))
                for row in await self._render(questionnaire, responses):
                    yield row

    async def _render(self, questionnaire: Questionnaire, responses: list[Any]) -> list[Row]:
        # Choices filled from the database hold people's ids: their names are looked up for
        # this batch of responses only.
        people: set[int] = set()
        for index, question in enumerate(questionnaire.questions):
            if question.options_from is None:
                continue
            for _, _, values in responses:
                people |= chosen_people(question, values[index])
        names: dict[int, str] = {}
        if people:
            rows = await self.session.execute(
                select(Profile.user_id, Profile.full_name)
                .where(Profile.user_id.in_(sorted(people))))
            names = {user_id: person_name(name) for user_id, name in rows}
        return [head + [self._answer(question, value, names)
                        for question, value in zip(questionnaire.questions, values, strict=True)]
                for _, head, values in responses]

    def _answer(self, question: Question, value: Any, names: dict[int, str]) -> Value:
        if value is None:
            return None
        kind = question.type
        if kind in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            chosen = value if isinstance(value, list) else [value]
            return LIST_SEPARATOR.join(choice_text(question, v, self.locale, names, NO_NAME)
                                       for v in chosen)
        if kind is QuestionType.YES_NO and isinstance(value, bool):
            return self.yes_no(value)
        if kind in (QuestionType.SCALE, QuestionType.NUMBER) and as_number(value) is not None:
            return value
        return value if isinstance(value, str) else str(value)

