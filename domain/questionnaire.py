"""Questionnaire definitions: the file format, its validation and the catalogue loaded at start-up.

A questionnaire is a YAML file; this module turns it into typed, validated objects. It knows nothing
of Telegram or the database, so the same definitions can drive any front end.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from domain.roles import Form, Role

LANGUAGES = ("ru", "en")
# Telegram's callback_data is limited to 64 bytes, and question ids travel inside it.
ID_PATTERN = r"^[a-z][a-z0-9_]{0,23}$"


class QuestionType(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    SCALE = "scale"
    YES_NO = "yesno"
    NUMBER = "number"
    TEXT = "text"


class OptionSource(StrEnum):
    """Options filled in at run time from the database instead of the file."""

    MENTORS_OF_SCHOOL = "mentors_of_school"
    MENTEES_OF_SCHOOL = "mentees_of_school"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    ru: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, language: str) -> str:
        return self.en if language == "en" else self.ru


# Excel's limit for a sheet's name (the pattern below keeps out the characters it forbids).
SHORT_TITLE_LIMIT = 31


class ShortText(Strict):
    """A questionnaire's short title: its sheet in an export and its summary buttons, whole."""

    ru: str = Field(min_length=1, max_length=SHORT_TITLE_LIMIT,
                    pattern=r"^[^\[\]:*?/\\]+$")
    en: str = Field(min_length=1, max_length=SHORT_TITLE_LIMIT,
                    pattern=r"^[^\[\]:*?/\\]+$")

    def get(self, language: str) -> str:
        return self.en if language == "en" else self.ru


class RoleText(Text):
    """A question's words (or its hint): `ru`/`en` for everybody, and `by_role` for the roles
    that are to read something else (a pupil mentor is asked about «the pupil you helped», a
    pupil mentee about «your mentor»). Roles are checked against those the question is for."""

    by_role: dict[str, Text] | None = None

    @model_validator(mode="after")
    def _known_roles(self) -> RoleText:
        known = [role.value for role in Role]
        for role in self.by_role or {}:
            if role not in known:
                raise ValueError(f"by_role: unknown role {role!r} (roles: {', '.join(known)})")
        return self

    def for_role(self, role: str | None) -> Text:
        """The words this role reads (the default ones for any other role)."""
        if self.by_role and role in self.by_role:
            return self.by_role[role]
        return self


class Option(Strict):
    value: str = Field(pattern=r"^[A-Za-z0-9_]{1,24}$")
    text: Text


class Condition(Strict):
    """Show a question only when an earlier answer matches: of this questionnaire (`question`)
    or of the person's profile (`profile`, a question id of content/profile.yaml), so that what
    the profile asked is not asked again."""

    question: str | None = None
    profile: str | None = None
    equals: str | int | bool | None = None
    any_of: list[str | int | bool] | None = None
    min: int | None = None
    max: int | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Condition:
        given = [self.equals is not None, self.any_of is not None,
                 self.min is not None or self.max is not None]
        if sum(given) != 1:
            raise ValueError("a condition needs exactly one of: equals, any_of, min/max")
        if (self.question is None) == (self.profile is None):
            raise ValueError("a condition needs exactly one of: question, profile")
        return self

    def holds(self, value: Any) -> bool:
        if value is None:
            return False
        values = value if isinstance(value, list) else [value]
        if self.equals is not None:
            return self.equals in values
        if self.any_of is not None:
            return any(v in self.any_of for v in values)
        if not isinstance(value, int) or isinstance(value, bool):
            return False
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)


class Question(Strict):
    id: str = Field(pattern=ID_PATTERN)
    type: QuestionType
    text: RoleText
    hint: RoleText | None = None
    optional: bool = False
    show_if: Condition | None = None
    options: list[Option] = Field(default_factory=list)
    options_from: OptionSource | None = None
    min: int | None = None
    max: int | None = None
    min_choices: int = 1
    max_choices: int | None = None
    ranked: bool = False
    max_length: int | None = None
    low_label: Text | None = None
    high_label: Text | None = None
    # Where a profile question stores its answer; unused by questionnaires.
    field: str | None = None
    roles: list[Role] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Question:
        kind = self.type
        if kind in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            if bool(self.options) == bool(self.options_from):
                raise ValueError("a choice question needs either options or options_from")
            values = [o.value for o in self.options]
            if len(values) != len(set(values)):
                raise ValueError("option values must be unique")
            if len(self.options) > 40:
                raise ValueError("at most 40 options fit on the buttons")
        elif self.options or self.options_from:
            raise ValueError(f"a {kind} question takes no options")
        if kind in (QuestionType.SCALE, QuestionType.NUMBER):
            if self.min is None or self.max is None or self.min >= self.max:
                raise ValueError(f"a {kind} question needs min < max")
            if kind is QuestionType.SCALE and self.max - self.min > 10:
                raise ValueError("a scale has at most 11 points (one row of buttons each)")
        if kind is QuestionType.TEXT and not (self.max_length and 1 <= self.max_length <= 4000):
            raise ValueError("a text question needs max_length between 1 and 4000")
        if kind is QuestionType.MULTIPLE:
            top = self.max_choices if self.max_choices is not None else max(len(self.options), 1)
            if not 0 <= self.min_choices <= top:
                raise ValueError("min_choices must lie between 0 and max_choices")
        elif self.ranked or self.max_choices is not None:
            raise ValueError("ranked and max_choices belong to multiple-choice questions")
        return self

    def worded_roles(self) -> set[str]:
        """The roles this question has words of their own for."""
        return {role for text in (self.text, self.hint) if text is not None
                for role in text.by_role or {}}

    def worded_for(self, roles: Iterable[str]) -> Question:
        """The question as the first of these roles that has words of its own reads it (as it
        is, when none has)."""
        worded = self.worded_roles()
        role = next((role for role in roles if role in worded), None)
        if role is None:
            return self

        def words(text: RoleText | None) -> RoleText | None:
            if text is None:
                return None
            chosen = text.for_role(role)
            return RoleText(ru=chosen.ru, en=chosen.en)

        return self.model_copy(update={"text": words(self.text), "hint": words(self.hint)})

    def option_text(self, value: str, language: str) -> str:
        for option in self.options:
            if option.value == value:
                return option.text.get(language)
        return value


class Audience(Strict):
    roles: list[Role] = Field(min_length=1)
    forms: list[Form] | None = None

    def admits(self, roles_with_forms: Iterable[tuple[Role, Form]]) -> Role | None:
        """The first of the person's roles this questionnaire is meant for, if any."""
        for role, form in roles_with_forms:
            if role in self.roles and (self.forms is None or form in self.forms):
                return role
        return None


# A completed response keeps its integer answers in one row, a column per question position
# (models.surveys.response_scores), so no questionnaire may have more questions than that.
MAX_QUESTIONS = 32


class Questionnaire(Strict):
    id: str = Field(pattern=ID_PATTERN)
    version: int = Field(ge=1)
    kind: str = Field(pattern=r"^[a-z_]{1,32}$")
    title: Text
    # Required of a file (parse_questionnaire); absent from the versions stored before it was.
    short_title: ShortText | None = None
    intro: Text | None = None
    audience: Audience
    questions: list[Question] = Field(min_length=1, max_length=MAX_QUESTIONS)

    @model_validator(mode="after")
    def _references(self) -> Questionnaire:
        seen: dict[str, Question] = {}
        for question in self.questions:
            if question.id in seen:
                raise ValueError(f"question id {question.id!r} is used twice")
            condition = question.show_if
            if condition is not None and condition.question is not None \
                    and condition.question not in seen:
                raise ValueError(
                    f"question {question.id!r}: show_if refers to {condition.question!r}, "
                    "which is not an earlier question"
                )
            stray = question.worded_roles() - set(self.audience.roles)
            if stray:
                raise ValueError(
                    f"question {question.id!r}: by_role names {', '.join(sorted(stray))}, "
                    "not among the audience's roles")
            seen[question.id] = question
        return self

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def profile_conditions(self) -> list[tuple[str, str]]:
        """(question id, profile question id) of each question shown on a profile answer."""
        return [(q.id, q.show_if.profile) for q in self.questions
                if q.show_if is not None and q.show_if.profile is not None]

    def digest(self) -> str:
        """What the answers mean, as a hash: a version's digest must not change once answered.
        Keys a newer file format added are left out while unset, so a file that does not use
        them keeps the digest it had before they existed."""
        meaning = self.model_dump(mode="json", exclude=DESCRIPTIVE_KEYS)
        payload = json.dumps(_without_unset(meaning), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()


# Names for the questionnaire that do not change what its answers mean: renaming needs no version.
DESCRIPTIVE_KEYS = frozenset({"short_title"})
# Keys added to the format after questionnaires had been answered (see Questionnaire.digest).
NEWER_KEYS = frozenset({"by_role", "profile"})


def _without_unset(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_unset(item) for key, item in value.items()
                if not (key in NEWER_KEYS and item is None)}
    if isinstance(value, list):
        return [_without_unset(item) for item in value]
    return value


@dataclass(frozen=True)
class Purposes:
    """What the services read questionnaires for, found by each file's `kind` and `audience`
    rather than named in code, so that adding or renaming a file needs no Python: the mentee's
    deficits and the mentor's strengths (kind `diagnosis`), both sides' wishes (`preferences`),
    and the satisfaction questionnaires (`satisfaction`). None: no file serves that purpose."""

    deficits: str | None = None
    strengths: str | None = None
    mentee_wishes: str | None = None
    mentor_wishes: str | None = None
    satisfaction: tuple[str, ...] = ()
    # The diagnosis areas: the scale questions of the deficits file, in its order (matching,
    # the plan, the summary and the export read them here, so renaming one needs no Python).
    areas: tuple[str, ...] = ()


# (field of Purposes, kind, role): one file at most may serve each.
ONE_FILE_PURPOSES = (("deficits", "diagnosis", Role.MENTEE_TEACHER),
                     ("strengths", "diagnosis", Role.MENTOR_TEACHER),
                     ("mentee_wishes", "preferences", Role.MENTEE_TEACHER),
                     ("mentor_wishes", "preferences", Role.MENTOR_TEACHER))


class DefinitionError(Exception):
    """A content file is broken; the message names the file and the problem."""


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "file"
    return f"{where}: {first['msg']}"


def load_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        problem = f"{exc.__class__.__name__}: {exc}"
        raise DefinitionError(f"{path}: cannot read YAML ({problem})") from exc


def parse_questionnaire(raw: Any, source: str) -> Questionnaire:
    try:
        questionnaire = Questionnaire.model_validate(raw)
    except ValidationError as exc:
        raise DefinitionError(f"{source}: {_describe(exc)}") from exc
    if questionnaire.short_title is None:
        raise DefinitionError(f"{source}: short_title: Field required (ru and en, at most "
                              f"{SHORT_TITLE_LIMIT} characters: the export's sheet, the "
                              "summary's buttons)")
    return questionnaire


class Catalog:
    """The current version of every questionnaire, by id, in a stable order for menus."""

    def __init__(self, questionnaires: Iterable[Questionnaire]) -> None:
        self._by_id: dict[str, Questionnaire] = {}
        short: dict[str, str] = {}
        for questionnaire in questionnaires:
            if questionnaire.id in self._by_id:
                raise DefinitionError(f"questionnaire id {questionnaire.id!r} is defined twice")
            self._by_id[questionnaire.id] = questionnaire
            for language in LANGUAGES:
                if questionnaire.short_title is None:
                    continue
                name = questionnaire.short_title.get(language).casefold()
                if name in short:
                    raise DefinitionError(
                        f"questionnaire {questionnaire.id!r}: short_title.{language} is the same "
                        f"as {short[name]!r}'s (sheets and buttons must differ)")
                short[name] = questionnaire.id
        self.purposes = self._purposes()

    def __iter__(self):
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, questionnaire_id: str) -> Questionnaire | None:
        return self._by_id.get(questionnaire_id)

    def _purposes(self) -> Purposes:
        found: dict[str, str] = {}
        for field, kind, role in ONE_FILE_PURPOSES:
            serving = [q.id for q in self if q.kind == kind and role in q.audience.roles]
            if len(serving) > 1:
                raise DefinitionError(
                    f"questionnaires {', '.join(map(repr, serving))}: each is the {kind} of "
                    f"{role.value}; one file at most may be")
            if serving:
                found[field] = serving[0]
        deficits = self.get(found["deficits"]) if "deficits" in found else None
        areas = tuple(q.id for q in deficits.questions if q.type is QuestionType.SCALE) \
            if deficits is not None else ()
        return Purposes(**found, satisfaction=tuple(q.id for q in self
                                                    if q.kind == "satisfaction"), areas=areas)

    def short_title(self, questionnaire_id: str, language: str) -> str:
        """The questionnaire's short title (its full one for a code no file defines now)."""
        questionnaire = self._by_id.get(questionnaire_id)
        if questionnaire is None:
            return questionnaire_id
        return (questionnaire.short_title or questionnaire.title).get(language)

    @classmethod
    def from_directory(cls, directory: Path) -> Catalog:
        files = sorted(directory.glob("*.yaml"))
        if not files:
            raise DefinitionError(f"{directory}: no questionnaire files (*.yaml) found")
        loaded = []
        for path in files:
            questionnaire = parse_questionnaire(load_yaml(path), str(path))
            if questionnaire.id != path.stem:
                raise DefinitionError(
                    f"{path}: id {questionnaire.id!r} must match the file name {path.stem!r}"
                )
            loaded.append(questionnaire)
        return cls(loaded)
