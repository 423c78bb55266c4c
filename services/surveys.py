"""Questionnaires over the database: which are open to a person, and answering them step by step.

Every answer is committed the moment it is given; the response row remembers the question the
person is on, so an interruption of any kind resumes at the same place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import answering
from domain.answering import MISSING, Step
from domain.profile import ProfileForm
from domain.questionnaire import (
    Catalog,
    DefinitionError,
    Option,
    OptionSource,
    Question,
    Questionnaire,
)
from domain.roles import Role
from models import Profile, QuestionnaireVersion, Response, User, UserRole
from services import access, responses, scores
from services.clock import Clock
from services.errors import StaleAction
from services.people import profile_values, roles_with_forms
from services.responses import ResponseSnapshot


class Status(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"


@dataclass(frozen=True)
class SurveyStatus:
    questionnaire: Questionnaire
    status: Status
    answered: int
    completed_at: datetime | None = None


async def sync_catalog(session: AsyncSession, catalog: Catalog) -> None:
    """Record each questionnaire version the files define.

    A version already answered must not change underneath its answers: such an edit needs a new
    version number, and start-up stops with a message naming the questionnaire.
    """
    for questionnaire in catalog:
        digest = questionnaire.digest()
        stored = await session.get(QuestionnaireVersion, (questionnaire.id, questionnaire.version))
        if stored is None:
            session.add(QuestionnaireVersion(
                code=questionnaire.id, version=questionnaire.version, kind=questionnaire.kind,
                title=questionnaire.title.ru, digest=digest,
                definition=questionnaire.model_dump(mode="json"),
            ))
            continue
        if stored.digest == digest:
            continue
        answered = await session.scalar(select(func.count(Response.id)).where(
            Response.questionnaire_code == questionnaire.id,
            Response.questionnaire_version == questionnaire.version,
        ))
        if answered:
            raise DefinitionError(
                f"questionnaire {questionnaire.id!r}: version {questionnaire.version} has "
                f"{answered} responses and its file has changed; raise `version` in the file"
            )
        stored.digest, stored.definition = digest, questionnaire.model_dump(mode="json")
        stored.kind, stored.title = questionnaire.kind, questionnaire.title.ru
    await session.flush()


class Surveys:
    """Questionnaire service; one instance for the app, sessions passed per call."""

    def __init__(self, catalog: Catalog, clock: Clock | None = None,
                 profile_form: ProfileForm | None = None) -> None:
        self.catalog = catalog
        # The profile's answers decide questions shown on them (show_if: {profile: …}).
        self.profile_form = profile_form
        # The app's clock stamps answers, so reports over a period agree with the app's "now".
        self.clock = clock or Clock()
        self._old_versions: dict[tuple[str, int], Questionnaire] = {}

    async def definition(self, session: AsyncSession, code: str, version: int) -> Questionnaire:
        current = self.catalog.get(code)
        if current is not None and current.version == version:
            return current
        key = (code, version)
        if key not in self._old_versions:
            stored = await session.get(QuestionnaireVersion, key)
            if stored is None:
                raise StaleAction(f"unknown questionnaire version {key}")
            self._old_versions[key] = Questionnaire.model_validate(stored.definition)
        return self._old_versions[key]

    def open_to(self, user: User) -> list[tuple[Questionnaire, Role]]:
        held = roles_with_forms(user)
        found = []
        for questionnaire in self.catalog:
            role = questionnaire.audience.admits(held)
            if role is not None:
                found.append((questionnaire, role))
        return found

    async def statuses(self, session: AsyncSession, user: User) -> list[SurveyStatus]:
        result = []
        for questionnaire, _role in self.open_to(user):
            latest = await self._latest(session, user, questionnaire.id)
            if latest is None:
                result.append(SurveyStatus(questionnaire, Status.NOT_STARTED, 0))
            elif latest.completed_at is None:
                result.append(SurveyStatus(questionnaire, Status.IN_PROGRESS, len(latest.answers)))
            else:
                result.append(SurveyStatus(questionnaire, Status.DONE, len(latest.answers),
                                           latest.completed_at))
        return result

    async def _latest(self, session: AsyncSession, user: User, code: str) -> Response | None:
        return await session.scalar(
            select(Response)
            .where(Response.user_id == user.id, Response.questionnaire_code == code)
            .order_by(Response.started_at.desc(), Response.id.desc())
            .limit(1)
        )

    async def begin(
        self, session: AsyncSession, user: User, code: str, *, again: bool = False
    ) -> ResponseSnapshot:
        """Continue the person's unfinished response, or start a new one (a retake if `again`)."""
        admitted = {q.id: role for q, role in self.open_to(user)}
        if code not in admitted:
            raise StaleAction(f"questionnaire {code!r} is not open to this person")
        latest = await self._latest(session, user, code)
        if latest is not None and (latest.completed_at is None or not again):
            return ResponseSnapshot.of(latest)
        questionnaire = self.catalog.get(code)
        response = Response(
            user_id=user.id, questionnaire_code=code, questionnaire_version=questionnaire.version,
            role=admitted[code], started_at=self.clock.now(),
        )
        response.answers = []
        session.add(response)
        await session.flush()
        return ResponseSnapshot.of(response)

    async def response_of(self, session: AsyncSession, user: User,
                          response_id: int) -> ResponseSnapshot:
        response = await responses.read(session, response_id)
        if response is None or response.user_id != user.id:
            raise StaleAction("not this person's response")
        return response

    async def _questions(
        self, session: AsyncSession, response: ResponseSnapshot
    ) -> tuple[Questionnaire, list[Question], dict[str, Any]]:
        """The response's questions (options filled in) and the profile answers its
        conditions read."""
        questionnaire = await self.definition(
            session, response.questionnaire_code, response.questionnaire_version
        )
        questions = [await self._with_options(session, response, question)
                     for question in questionnaire.questions]
        return questionnaire, questions, await self._profile(session, response, questionnaire)

    async def _profile(self, session: AsyncSession, response: ResponseSnapshot,
                       questionnaire: Questionnaire) -> dict[str, Any]:
        if self.profile_form is None or not questionnaire.profile_conditions():
            return {}
        # The update has the person loaded already (bot/update_context.py): no statement.
        user = await session.get(User, response.user_id)
        return self.profile_form.answers_from(profile_values(user)) if user is not None else {}

    async def _with_options(
        self, session: AsyncSession, response: ResponseSnapshot, question: Question
    ) -> Question:
        if question.options_from is None:
            return question
        wanted = {
            OptionSource.MENTORS_OF_SCHOOL: Role.MENTOR_TEACHER,
            OptionSource.MENTEES_OF_SCHOOL: Role.MENTEE_TEACHER,
        }[question.options_from]
        options = [
            Option(value=str(user_id), text={"ru": name, "en": name})
            for user_id, name in await colleagues(session, response.user_id, wanted)
        ]
        return question.model_copy(update={"options": options})

    async def step(self, session: AsyncSession, response: ResponseSnapshot) -> Step | None:
        """The question to show now, or None when the response is complete."""
        if response.completed_at is not None:
            return None
        questionnaire, questions, profile = await self._questions(session, response)
        answers = response.answers
        shown = {q.id: q for q in answering.visible_questions(questions, answers, profile)}
        question = shown.get(response.current_question or "")
        if question is None:
            question = answering.first_unanswered(questions, answers, profile)
        if question is None:
            await self._complete(session, response)
            return None
        number, total = answering.step_of(questions, answers, question.id, profile)
        return Step(
            title=questionnaire.title, question=question.worded_for([response.role]),
            number=number, total=total,
            current=answers.get(question.id, MISSING),
            can_go_back=answering.previous_question(questions, answers, question.id,
                                                    profile) is not None,
        )

    async def current(
        self, session: AsyncSession, user: User, response_id: int, question_id: str | None
    ) -> tuple[ResponseSnapshot, Step]:
        """The response and the step a button (question_id) or a typed message (None) refers to;
        StaleAction if it is not this person's or has moved on."""
        response = await self.response_of(session, user, response_id)
        step = await self.step(session, response)
        if step is None or question_id not in (None, step.question.id):
            raise StaleAction("the question has moved on")
        return response, step

    async def answer(
        self, session: AsyncSession, response: ResponseSnapshot, question: Question, value: Any,
        *, skipped: bool = False,
    ) -> Step | None:
        now = self.clock.now()
        await responses.save_answer(session, response, question.id, value, skipped=skipped,
                                    at=now)
        _, questions, profile = await self._questions(session, response)
        following = answering.first_unanswered(questions, response.answers, profile)
        if following is None:
            await self._complete(session, response, now)
        else:
            await responses.move(session, response, following.id, at=now)
        return await self.step(session, response)

    async def skip(self, session: AsyncSession, response: ResponseSnapshot,
                   question: Question):
        if not question.optional:
            raise answering.AnswerError("not-optional")
        return await self.answer(session, response, question, None, skipped=True)

    async def back(self, session: AsyncSession, response: ResponseSnapshot,
                   question: Question):
        _, questions, profile = await self._questions(session, response)
        previous = answering.previous_question(questions, response.answers, question.id,
                                               profile)
        if previous is None:
            raise StaleAction("no question before this one")
        await responses.move(session, response, previous.id, at=self.clock.now())
        return await self.step(session, response)

    async def _complete(self, session: AsyncSession, response: ResponseSnapshot,
                        now: datetime | None = None) -> None:
        """Mark the response complete and write its rollup for /summary (services.scores) in
        the same transaction, from the answers as stored."""
        now = now or self.clock.now()
        await responses.move(session, response, None, at=now, completed_at=now)
        questionnaire = await self.definition(session, response.questionnaire_code,
                                              response.questionnaire_version)
        await scores.record(session, [response.id], questionnaire.id, questionnaire.version,
                            [question.id for question in questionnaire.questions])


async def colleagues(
    session: AsyncSession, user_id: int, role: Role
) -> Sequence[tuple[int, str]]:
    """Confirmed people of the given role in the user's school, by name (for preference lists);
    nobody for a user the access policy does not let see the school's names."""
    asker = await session.get(User, user_id)
    school_id = asker.profile.school_id if asker is not None and asker.profile else None
    if asker is None or not await access.may_see_names(session, asker, school_id, ()):
        return []
    rows = await session.execute(
        select(UserRole.user_id, Profile.full_name)
        .join(Profile, Profile.user_id == UserRole.user_id)
        .where(
            UserRole.role == role, UserRole.is_active.is_(True),
            UserRole.confirmed_at.is_not(None), UserRole.school_id == school_id,
            UserRole.user_id != user_id, Profile.full_name.is_not(None),
        )
        .order_by(Profile.full_name)
        .limit(40)
    )
    return [(row.user_id, row.full_name) for row in rows]
