"""The profile form: which questions each role is asked, read from a data file."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, model_validator

from domain.answering import first_unanswered
from domain.questionnaire import (
    Catalog,
    DefinitionError,
    Question,
    QuestionType,
    Strict,
    _describe,
    load_yaml,
)
from domain.roles import TEACHER_PUPIL_VARIANTS, Role, Variant

# Profile columns a question may fill, with the answer type each column holds.
PROFILE_FIELDS: dict[str, set[QuestionType]] = {
    "full_name": {QuestionType.TEXT},
    "school": {QuestionType.TEXT},
    "subjects": {QuestionType.MULTIPLE},
    "experience_years": {QuestionType.NUMBER},
    "mentee_category": {QuestionType.SINGLE},
    "mentor_types": {QuestionType.MULTIPLE},
    "mentee_capacity": {QuestionType.SCALE, QuestionType.NUMBER},
    "grade": {QuestionType.SCALE, QuestionType.NUMBER},
    "help_wanted": {QuestionType.MULTIPLE},
    "help_offered": {QuestionType.MULTIPLE},
    "parent_contact": {QuestionType.TEXT},
    "position": {QuestionType.TEXT},
    "key_competences": {QuestionType.TEXT},
}
# What a skipped (optional, typed) profile question stores: not None, so it is not asked again.
SKIPPED = ""


class PupilRequest(Strict):
    """What answers one request a pupil can make (an option of `help_wanted`): the kinds of
    teacher mentor (options of `mentor_types`) who meet it, and the variant of «учитель – ученик»
    it suggests (none: the curator picks)."""

    mentor_types: list[str] = Field(default_factory=list)
    variant: Variant | None = None


class GradeStage(Strict):
    """Grades up to `up_to` (from the stage before) are taught by these `subjects`."""

    up_to: int = Field(ge=1)
    subjects: list[str] = Field(min_length=1)


class PupilMatching(Strict):
    """How /match weighs a teacher for a pupil («учитель – ученик», domain.pupil_matching)."""

    requests: dict[str, PupilRequest]
    grades: list[GradeStage] = Field(default_factory=list)

    def stage_of(self, grade: int | None) -> int | None:
        """The index of the stage a grade belongs to (None: no grade, or beyond every stage)."""
        if grade is None:
            return None
        return next((index for index, stage in enumerate(self.grades) if grade <= stage.up_to),
                    None)


class ProfileForm(Strict):
    version: int = Field(ge=1)
    questions: list[Question] = Field(min_length=1)
    pupil_matching: PupilMatching | None = None

    @model_validator(mode="after")
    def _fields(self) -> ProfileForm:
        seen: set[str] = set()
        for question in self.questions:
            if question.field not in PROFILE_FIELDS:
                raise ValueError(
                    f"question {question.id!r}: unknown profile field {question.field!r}")
            if question.type not in PROFILE_FIELDS[question.field]:
                raise ValueError(f"question {question.id!r}: field {question.field!r} "
                                 f"cannot hold a {question.type} answer")
            if question.id in seen:
                raise ValueError(f"question id {question.id!r} is used twice")
            stray = question.worded_roles() - set(question.roles or [role.value for role in Role])
            if stray:
                raise ValueError(f"question {question.id!r}: by_role names "
                                 f"{', '.join(sorted(stray))}, not among the question's roles")
            if question.optional and question.type is not QuestionType.TEXT:
                raise ValueError(f"question {question.id!r}: only a typed profile question "
                                 "may be optional")
            if question.show_if is not None or question.options_from is not None:
                raise ValueError(f"question {question.id!r}: profile questions are unconditional")
            seen.add(question.id)
        if self.pupil_matching is not None:
            self._check_pupil_matching(self.pupil_matching)
        return self

    def _option_values(self, question_id: str) -> set[str]:
        question = self.question(question_id)
        return {option.value for option in (question.options or [])} if question else set()

    def _check_pupil_matching(self, rules: PupilMatching) -> None:
        """Every id it names is an option of the profile question it refers to."""
        requests, types = self._option_values("help_wanted"), self._option_values("mentor_types")
        subjects = self._option_values("subjects")
        for request, answer in rules.requests.items():
            if request not in requests:
                raise ValueError(f"pupil_matching: {request!r} is not an option of help_wanted")
            stray = set(answer.mentor_types) - types
            if stray:
                raise ValueError(f"pupil_matching: {request!r}: not options of mentor_types: "
                                 f"{', '.join(sorted(stray))}")
            if answer.variant is not None and answer.variant not in TEACHER_PUPIL_VARIANTS:
                raise ValueError(f"pupil_matching: {request!r}: {answer.variant} is not a "
                                 "variant of «учитель – ученик»")
        for stage in rules.grades:
            stray = set(stage.subjects) - subjects
            if stray:
                raise ValueError(f"pupil_matching: grades up to {stage.up_to}: not options of "
                                 f"subjects: {', '.join(sorted(stray))}")
        if [s.up_to for s in rules.grades] != sorted({s.up_to for s in rules.grades}):
            raise ValueError("pupil_matching: grades go up, each stage once")

    def for_roles(self, roles: Iterable[Role]) -> list[Question]:
        wanted = set(roles)
        return [q for q in self.questions if q.roles is None or wanted & set(q.roles)]

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def answers_from(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Profile column values as answers keyed by question id (unset columns are absent)."""
        return {q.id: values[q.field] for q in self.questions
                if q.field is not None and values.get(q.field) is not None}

    def next_missing(self, roles: Iterable[Role], values: Mapping[str, Any]) -> Question | None:
        return first_unanswered(self.for_roles(roles), self.answers_from(values))

    @classmethod
    def from_file(cls, path: Path) -> ProfileForm:
        try:
            return cls.model_validate(load_yaml(path))
        except ValidationError as exc:
            raise DefinitionError(f"{path}: {_describe(exc)}") from exc


def check_profile_conditions(catalog: Catalog, form: ProfileForm, source: Path) -> None:
    """A questionnaire's question shown on a profile answer must name a question the profile
    has (a single or multiple choice, whose answer a condition can test)."""
    for questionnaire in catalog:
        for question_id, profile_id in questionnaire.profile_conditions():
            if form.question(profile_id) is None:
                raise DefinitionError(
                    f"questionnaire {questionnaire.id!r}: question {question_id!r}: show_if "
                    f"refers to profile question {profile_id!r}, which {source} does not have")
