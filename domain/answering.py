"""How a person moves through a list of questions: what is shown, what counts as an answer.

Answers are plain JSON values keyed by question id: str (single choice), list[str] (multiple),
int (scale, number), bool (yes/no), str (text); None means the question was skipped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from domain.questionnaire import Question, QuestionType, Text

Answers = Mapping[str, Any]
TRUE_WORDS = {"да", "yes", "y", "д", "+"}
FALSE_WORDS = {"нет", "no", "n", "н", "-"}
# A step's `current` when the question has no answer yet: None is an answer (skipped).
MISSING = object()


@dataclass(frozen=True)
class Step:
    """One question to show, with where it stands in the questionnaire."""

    title: Text | None  # None: the profile, titled by the front end
    question: Question
    number: int
    total: int
    current: Any
    can_go_back: bool


class AnswerError(Exception):
    """An answer that does not fit the question; `code` names a localised hint."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def visible_questions(questions: Sequence[Question], answers: Answers,
                      profile: Answers | None = None) -> list[Question]:
    """Questions shown to this person, given the answers so far and their profile's answers
    (by profile question id, for conditions on the profile).

    An answer to a hidden question is ignored, so conditions chain correctly when an earlier
    answer is changed with «Назад».
    """
    shown: list[Question] = []
    effective: dict[str, Any] = {}
    for question in questions:
        if question.type in (QuestionType.SINGLE, QuestionType.MULTIPLE) and not question.options:
            continue
        condition = question.show_if
        if condition is not None and not condition.holds(
                effective.get(condition.question) if condition.profile is None
                else (profile or {}).get(condition.profile)):
            continue
        shown.append(question)
        if question.id in answers:
            effective[question.id] = answers[question.id]
    return shown


def first_unanswered(questions: Sequence[Question], answers: Answers,
                     profile: Answers | None = None) -> Question | None:
    return next((q for q in visible_questions(questions, answers, profile)
                 if q.id not in answers), None)


def previous_question(
    questions: Sequence[Question], answers: Answers, current_id: str | None,
    profile: Answers | None = None,
) -> Question | None:
    shown = visible_questions(questions, answers, profile)
    ids = [q.id for q in shown]
    if current_id not in ids:
        return shown[-1] if shown else None
    index = ids.index(current_id)
    return shown[index - 1] if index > 0 else None


def step_of(questions: Sequence[Question], answers: Answers, current_id: str,
            profile: Answers | None = None) -> tuple[int, int]:
    """(number of the current question, number of questions shown) for «Вопрос 3 из 12»: of
    the questions the person is asked, so the caller leaves out what is answered already by
    other means (a profile field an invitation filled)."""
    ids = [q.id for q in visible_questions(questions, answers, profile)]
    number = ids.index(current_id) + 1 if current_id in ids else len(ids)
    return number, len(ids)


def parse_text(question: Question, text: str | None) -> Any:
    """Turn a typed message into an answer, or raise AnswerError with a hint."""
    raw = (text or "").strip()
    kind = question.type
    if kind is QuestionType.TEXT:
        if not raw:
            raise AnswerError("empty")
        if len(raw) > (question.max_length or 0):
            raise AnswerError("too-long", limit=question.max_length, length=len(raw))
        return raw
    if kind is QuestionType.NUMBER:
        try:
            number = int(raw.replace(" ", ""))
        except ValueError:
            raise AnswerError("not-a-number", min=question.min, max=question.max) from None
        return check_range(question, number)
    if kind is QuestionType.YES_NO and raw.lower() in TRUE_WORDS | FALSE_WORDS:
        return raw.lower() in TRUE_WORDS
    if kind is QuestionType.SCALE and raw.lstrip("-").isdigit():
        return check_range(question, int(raw))
    raise AnswerError("use-buttons")


def check_range(question: Question, number: int) -> int:
    if (question.min is not None and number < question.min) or (
        question.max is not None and number > question.max
    ):
        raise AnswerError("out-of-range", min=question.min, max=question.max)
    return number


def scale_points(question: Question) -> list[int]:
    return list(range(question.min or 0, (question.max or 0) + 1))


def choice_answer(question: Question, pick: int) -> Any:
    """The answer a button press stands for; `pick` is an option index, a scale point or 1/0."""
    kind = question.type
    if kind is QuestionType.SINGLE:
        if not 0 <= pick < len(question.options):
            raise AnswerError("stale")
        return question.options[pick].value
    if kind is QuestionType.SCALE:
        return check_range(question, pick)
    if kind is QuestionType.YES_NO and pick in (0, 1):
        return bool(pick)
    raise AnswerError("stale")


def toggle(question: Question, selected: Sequence[str], pick: int) -> list[str]:
    """Add or remove one option of a multiple-choice question; order is kept for ranked ones."""
    if question.type is not QuestionType.MULTIPLE or not 0 <= pick < len(question.options):
        raise AnswerError("stale")
    value = question.options[pick].value
    chosen = [v for v in selected if v != value]
    if len(chosen) == len(selected):
        if question.max_choices is not None and len(chosen) >= question.max_choices:
            raise AnswerError("too-many", max=question.max_choices)
        chosen.append(value)
    return chosen


def finish_selection(question: Question, selected: Sequence[str]) -> list[str]:
    known = {o.value for o in question.options}
    chosen = [v for v in selected if v in known]
    if len(chosen) < question.min_choices:
        raise AnswerError("too-few", min=question.min_choices)
    return chosen


def chosen_people(question: Question, value: Any) -> set[int]:
    """The people an answer to a choice among colleagues names (the options hold their ids)."""
    if question.options_from is None or value is None:
        return set()
    return {int(v) for v in (value if isinstance(value, list) else [value]) if str(v).isdigit()}


def choice_text(question: Question, value: Any, language: str, names: Mapping[int, str],
                unknown: str) -> str:
    """One chosen option in words: a colleague by `names` (`unknown` for one not found), other
    options by the content file's label."""
    if question.options_from is not None:
        return names.get(int(value), unknown) if str(value).isdigit() else str(value)
    return question.option_text(str(value), language)


def describe(question: Question, value: Any, language: str, yes_no: tuple[str, str]) -> str:
    """An answer in words, for «Текущий ответ» and the profile card; yes_no is localised. ""
    is a skipped profile question (domain.profile.SKIPPED)."""
    if value is None or value == "":
        return "—"
    if question.type is QuestionType.SINGLE:
        return question.option_text(value, language)
    if question.type is QuestionType.MULTIPLE:
        return ", ".join(question.option_text(v, language) for v in value) or "—"
    if question.type is QuestionType.YES_NO:
        return yes_no[0] if value else yes_no[1]
    return str(value)
