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
from domain.roles import Role

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


class ProfileForm(Strict):
    version: int = Field(ge=1)
    questions: list[Question] = Field(min_length=1)

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
        return self

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
