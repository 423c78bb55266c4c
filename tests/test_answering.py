"""The answering rules on their own: no Telegram, no database."""

import pytest

from domain import answering
from domain.answering import AnswerError
from domain.questionnaire import Question

TEXT = {"ru": "в", "en": "q"}


def question(**fields) -> Question:
    return Question.model_validate({"text": TEXT, **fields})


def options(*values):
    return [{"value": v, "text": {"ru": v, "en": v}} for v in values]


CHAIN = [
    question(id="a", type="yesno"),
    question(id="b", type="number", min=0, max=50, show_if={"question": "a", "equals": True}),
    question(id="c", type="text", max_length=5, show_if={"question": "b", "min": 10}),
    question(id="d", type="single", options=options("x", "y")),
]


def test_conditions_chain_and_ignore_answers_of_hidden_questions():
    ids = lambda answers: [q.id for q in answering.visible_questions(CHAIN, answers)]  # noqa: E731
    assert ids({}) == ["a", "d"]
    assert ids({"a": True}) == ["a", "b", "d"]
    assert ids({"a": True, "b": 12}) == ["a", "b", "c", "d"]
    # «Назад» to a, answer changed: b is hidden, so its old 12 no longer reveals c.
    assert ids({"a": False, "b": 12, "c": "old"}) == ["a", "d"]
    assert answering.first_unanswered(CHAIN, {"a": True, "b": 3}).id == "d"
    assert answering.step_of(CHAIN, {"a": True}, "b") == (2, 3)
    assert answering.previous_question(CHAIN, {"a": True}, "b").id == "a"
    assert answering.previous_question(CHAIN, {}, "a") is None


def test_a_condition_may_read_the_profile():
    questions = [question(id="a", type="yesno"),
                 question(id="b", type="yesno", show_if={"profile": "category",
                                                         "equals": "burnout"})]
    ids = lambda profile: [q.id for q in answering.visible_questions(  # noqa: E731
        questions, {}, profile)]
    assert ids(None) == ["a"] and ids({"category": "young_specialist"}) == ["a"]
    assert ids({"category": "burnout"}) == ["a", "b"]
    # An answer of the questionnaire under the same id is not the profile's.
    assert [q.id for q in answering.visible_questions(questions, {"category": "burnout"})] \
        == ["a"]
    assert answering.step_of(questions, {"a": True}, "b", {"category": "burnout"}) == (2, 2)


def test_choice_question_without_options_is_not_shown():
    empty = question(id="m", type="multiple", options_from="mentors_of_school", max_choices=3,
                     ranked=True)
    assert answering.visible_questions([empty], {}) == []


@pytest.mark.parametrize(("kind", "fields", "typed", "expected"), [
    ("number", {"min": 0, "max": 60}, " 12 ", 12),
    ("number", {"min": 0, "max": 60}, "1 2", 12),
    ("text", {"max_length": 5}, "  abc ", "abc"),
    ("yesno", {}, "Да", True),
    ("yesno", {}, "no", False),
    ("scale", {"min": 1, "max": 10}, "10", 10),
])
def test_typed_answers_accepted(kind, fields, typed, expected):
    assert answering.parse_text(question(id="q", type=kind, **fields), typed) == expected


@pytest.mark.parametrize(("kind", "fields", "typed", "code"), [
    ("number", {"min": 0, "max": 60}, "много", "not-a-number"),
    ("number", {"min": 0, "max": 60}, "61", "out-of-range"),
    ("number", {"min": 0, "max": 60}, "-1", "out-of-range"),
    ("text", {"max_length": 5}, "abcdef", "too-long"),
    ("text", {"max_length": 5}, "   ", "empty"),
    ("yesno", {}, "может быть", "use-buttons"),
    ("scale", {"min": 1, "max": 10}, "11", "out-of-range"),
    ("single", {"options": options("x")}, "x", "use-buttons"),
])
def test_typed_answers_rejected(kind, fields, typed, code):
    with pytest.raises(AnswerError) as error:
        answering.parse_text(question(id="q", type=kind, **fields), typed)
    assert error.value.code == code


def test_multiple_choice_limits_and_order():
    ranked = question(id="m", type="multiple", options=options("a", "b", "c", "d"),
                      max_choices=2, ranked=True)
    chosen = answering.toggle(ranked, [], 2)
    chosen = answering.toggle(ranked, chosen, 0)
    assert chosen == ["c", "a"]
    with pytest.raises(AnswerError, match="too-many"):
        answering.toggle(ranked, chosen, 1)
    assert answering.toggle(ranked, chosen, 2) == ["a"]
    with pytest.raises(AnswerError, match="too-few"):
        answering.finish_selection(ranked, [])
    with pytest.raises(AnswerError, match="stale"):
        answering.toggle(ranked, chosen, 7)


def test_button_answers():
    scale = question(id="s", type="scale", min=0, max=3)
    assert answering.choice_answer(scale, 3) == 3
    with pytest.raises(AnswerError):
        answering.choice_answer(scale, 4)
    single = question(id="o", type="single", options=options("x", "y"))
    assert answering.choice_answer(single, 1) == "y"
    with pytest.raises(AnswerError, match="stale"):
        answering.choice_answer(single, -1)


def test_describe_answers_in_words():
    multi = question(id="m", type="multiple", options=options("a", "b"))
    assert answering.describe(multi, ["b", "a"], "ru", ("Да", "Нет")) == "b, a"
    assert answering.describe(question(id="y", type="yesno"), False, "en", ("Yes", "No")) == "No"
    assert answering.describe(multi, None, "ru", ("Да", "Нет")) == "—"
