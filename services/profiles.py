"""Filling and editing the profile with the same step machinery as the questionnaires."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain import answering
from domain.answering import MISSING, Step
from domain.profile import ProfileForm
from domain.questionnaire import Question
from models import User
from services.errors import StaleAction
from services.people import profile_values, roles_of, save_profile_answer


class Profiles:
    """`cursor` is the question the person is on (after «Назад»); `only` edits one field;
    `given` are the questions answered before this pass through the form began (by an
    invitation, which fills the school, or an earlier role's profile): they are not asked, so
    neither «Назад» nor «Вопрос 2 из 5» counts them."""

    def __init__(self, form: ProfileForm) -> None:
        self.form = form

    def _questions(self, user: User, only: str | None,
                   given: Collection[str] = ()) -> list[Question]:
        if only is None:
            return [q for q in self.form.for_roles(roles_of(user)) if q.id not in given]
        return [q for q in self.form.for_roles(roles_of(user)) if q.id == only]

    def answered(self, user: User) -> list[str]:
        """The questions of the person's form answered already: `given` for a pass that starts
        now."""
        answers = self.form.answers_from(profile_values(user))
        return [q.id for q in self.form.for_roles(roles_of(user)) if q.id in answers]

    def step(self, user: User, cursor: str | None = None, only: str | None = None,
             given: Collection[str] = ()) -> Step | None:
        questions = self._questions(user, only, given)
        answers = self.form.answers_from(profile_values(user))
        if only is not None:
            question = questions[0] if questions else None
        else:
            question = next((q for q in questions if q.id == cursor), None)
            question = question or answering.first_unanswered(questions, answers)
        if question is None:
            return None
        number, total = answering.step_of(questions, answers, question.id)
        return Step(
            title=None, question=question.worded_for(roles_of(user)), number=number, total=total,
            current=answers.get(question.id, MISSING),
            can_go_back=only is None and answering.previous_question(
                questions, answers, question.id) is not None,
        )

    def current(self, user: User, question_id: str, cursor: str | None, only: str | None) -> Step:
        step = self.step(user, cursor, only)
        if step is None or step.question.id != question_id:
            raise StaleAction("the profile question has moved on")
        return step

    async def answer(self, session: AsyncSession, user: User, question: Question, value: Any):
        await save_profile_answer(session, user, question, value)

    def previous(self, user: User, question_id: str, given: Collection[str] = ()) -> str:
        questions = self._questions(user, None, given)
        answers = self.form.answers_from(profile_values(user))
        previous = answering.previous_question(questions, answers, question_id)
        if previous is None:
            raise StaleAction("no question before this one")
        return previous.id
