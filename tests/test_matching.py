"""Pair suggestions: the score of a pair, its reasons, the optimal assignment under capacities."""

from __future__ import annotations

import itertools
import random
from collections import Counter

import pytest

from domain import matching
from domain.matching import Mentee, Mentor, Reason, Scoring, TeacherScoring
from tests.flows import SHIPPED

# The diagnosis areas are the shipped deficits questionnaire's scale questions, in its order.
AREAS = SHIPPED.purposes.areas
TEACHERS = TeacherScoring(AREAS)
score, score_matrix = TEACHERS.score, TEACHERS.matrix


def suggest(mentees, mentors, scoring: Scoring = TEACHERS):
    return matching.suggest(mentees, mentors, scoring)


def greedy(mentees, mentors, scoring: Scoring = TEACHERS):
    return matching.greedy(mentees, mentors, scoring)


def weakest_areas(deficits, limit: int = matching.WEAKEST_COUNT):
    return matching.weakest_areas(deficits, AREAS, limit)

SUBJECTS = ("math", "physics", "russian", "history", "other")
TYPES = ("guide", "consultant", "subject", "advocate")


def mentee(id_: int, subjects=(), deficits=None, prefers=()) -> Mentee:
    return Mentee(id_, frozenset(subjects), deficits or {}, tuple(prefers))


def mentor(id_: int, subjects=(), types=(), strengths=None, prefers=(), slots=1) -> Mentor:
    return Mentor(id_, frozenset(subjects), frozenset(types), strengths or {}, tuple(prefers),
                  slots)


def random_people(seed: int, mentees: int, mentors: int, max_slots: int = 3
                  ) -> tuple[list[Mentee], list[Mentor]]:
    rng = random.Random(seed)
    mentor_ids = list(range(1000, 1000 + mentors))
    mentee_ids = list(range(1, mentees + 1))

    def some(pool, most):
        return rng.sample(pool, rng.randint(0, min(most, len(pool))))

    return (
        [mentee(i, some(SUBJECTS, 2), {a: rng.randint(0, 3) for a in AREAS},
                some(mentor_ids, 3)) for i in mentee_ids],
        [mentor(i, some(SUBJECTS, 2), some(TYPES, 2), {a: rng.randint(0, 3) for a in AREAS},
                some(mentee_ids, 3), rng.randint(0, max_slots)) for i in mentor_ids],
    )


def total(suggestions) -> float:
    return round(sum(s.score for s in suggestions), 1)


def test_weakest_areas_hardest_first_then_questionnaire_order():
    deficits = {"area_safety": 3, "area_methods": 2, "area_parents": 3, "area_control": 2,
                "area_assessment": 1}
    assert weakest_areas(deficits) == ["area_parents", "area_safety", "area_methods"]
    assert weakest_areas(deficits, limit=5) == ["area_parents", "area_safety", "area_methods",
                                                "area_control"]
    assert weakest_areas({"area_methods": 1, "area_unknown": 3}) == []
    assert weakest_areas({}) == []
    # Out-of-scale answers are clipped to 3, so they tie with real 3s instead of jumping ahead.
    assert weakest_areas({"area_safety": 9, "area_methods": 3}) == ["area_methods", "area_safety"]


def test_coverage_counts_weakest_areas_only_and_names_well_covered_ones():
    learner = mentee(1, ["math"], {"area_methods": 3, "area_assessment": 2, "area_safety": 1})
    helper = mentor(2, ["physics"], strengths={"area_methods": 1, "area_assessment": 3,
                                               "area_safety": 3})
    # methods: min(3, 1) / 3 × 15 = 5; assessment: min(2, 3) / 3 × 15 = 10; safety is not weak.
    assert score(learner, helper) == (15.0, (
        Reason("covers-deficits", {"areas": ["area_assessment"]}),
        Reason("free-places", {"free": 1}),
    ))


def test_nothing_in_common_scores_zero_with_free_places_only():
    value, reasons = score(mentee(1, ["math"], {"area_methods": 3}),
                           mentor(2, ["history"], strengths={"area_methods": 0}, slots=4))
    assert value == 0.0 and reasons == (Reason("free-places", {"free": 4}),)


def test_same_subject_counts_double_for_a_subject_expert():
    learner = mentee(1, ["physics", "math", "other"])
    expert = mentor(2, ["math", "physics", "other"], ["subject", "guide"])
    assert score(learner, expert) == (20.0, (
        Reason("same-subject", {"subjects": ["math", "physics"]}),
        Reason("free-places", {"free": 1}),
    ))
    value, reasons = score(learner, mentor(2, ["physics"], ["guide"]))
    assert value == 10.0 and reasons[0] == Reason("same-subject", {"subjects": ["physics"]})
    # «Другое» on both sides is not a shared subject.
    assert score(mentee(1, ["other"]), mentor(2, ["other"], ["subject"]))[0] == 0.0


def test_preferences_by_rank_and_mutual_bonus():
    learner = mentee(1, prefers=[7, 8, 9])
    assert [score(learner, mentor(m))[0] for m in (7, 8, 9, 10)] == [24.0, 16.0, 8.0, 0.0]
    assert score(learner, mentor(8, prefers=[5, 1], slots=2)) == (32.0, (
        Reason("mentee-prefers", {"rank": 2}),
        Reason("mentor-prefers", {}),
        Reason("mutual-preference", {}),
        Reason("free-places", {"free": 2}),
    ))
    assert score(mentee(1), mentor(8, prefers=[1])) == (10.0, (
        Reason("mentor-prefers", {}), Reason("free-places", {"free": 1})))
    # Only three preferences count on either side.
    assert score(mentee(1, prefers=[2, 3, 4, 7]), mentor(7))[0] == 0.0
    assert score(mentee(1), mentor(7, prefers=[2, 3, 4, 1]))[0] == 0.0


def test_all_components_add_up():
    learner = mentee(1, ["math"], {"area_methods": 3, "area_parents": 2}, prefers=[7])
    helper = mentor(7, ["math"], ["subject"], {"area_methods": 3, "area_parents": 3},
                    prefers=[1])
    value, reasons = score(learner, helper)
    assert value == 15 + 10 + 20 + 24 + 10 + 6
    assert [r.code for r in reasons] == ["covers-deficits", "same-subject", "mentee-prefers",
                                         "mentor-prefers", "mutual-preference", "free-places"]
    assert reasons[0].params == {"areas": ["area_methods", "area_parents"]}


def test_matrix_agrees_with_score_on_random_people():
    mentees, mentors = random_people(seed=7, mentees=40, mentors=25)
    matrix = score_matrix(mentees, mentors)
    assert matrix.shape == (40, 25)
    for (row, m), (column, n) in itertools.product(enumerate(mentees), enumerate(mentors)):
        assert matrix[row, column] == score(m, n)[0], (m.id, n.id)


def test_capacities_hold():
    mentees, mentors = random_people(seed=3, mentees=60, mentors=25)
    suggestions = suggest(mentees, mentors)
    slots = {m.id: m.free_slots for m in mentors}
    taken = Counter(s.mentor_id for s in suggestions)
    assert all(taken[m] <= slots[m] for m in taken)
    assert not any(taken[m] for m in slots if slots[m] == 0)
    assert len({s.mentee_id for s in suggestions}) == len(suggestions)
    assert len(suggestions) == min(60, sum(slots.values()))
    assert [s.mentee_id for s in suggestions] == sorted(s.mentee_id for s in suggestions)
    by_id = {m.id: m for m in mentees}
    for s in suggestions:
        assert (s.score, s.reasons) == score(by_id[s.mentee_id], next(
            m for m in mentors if m.id == s.mentor_id))


def test_mentors_without_places_take_nobody():
    mentees = [mentee(1, prefers=[7]), mentee(2, prefers=[7])]
    assert suggest(mentees, [mentor(7, slots=0), mentor(8, slots=-1)]) == []
    assert [(s.mentee_id, s.mentor_id) for s in suggest(mentees, [mentor(7, slots=0),
                                                                  mentor(8, slots=5)])] \
        == [(1, 8), (2, 8)]


def test_fewer_places_than_mentees_leaves_the_weakest_matches_out():
    mentees = [mentee(1, prefers=[7]), mentee(2, prefers=[8, 7]), mentee(3),
               mentee(4, prefers=[8, 9, 7])]
    suggestions = suggest(mentees, [mentor(7, slots=2)])
    assert [(s.mentee_id, s.mentor_id, s.score) for s in suggestions] == [(1, 7, 24.0),
                                                                          (2, 7, 16.0)]


def test_optimal_beats_greedy_on_a_contested_mentor():
    # Anna likes Boris best, but only Boris helps Vera; Galina teaches Anna's subject.
    anna = mentee(1, ["math"], prefers=[10])
    vera = mentee(2, ["chemistry"])
    boris = mentor(10, ["history"], ["guide"], prefers=[2])
    galina = mentor(11, ["math"], ["subject"])
    assert [score(p, q)[0] for p, q in ((anna, boris), (anna, galina), (vera, boris),
                                        (vera, galina))] == [24.0, 20.0, 10.0, 0.0]
    naive, best = greedy([anna, vera], [boris, galina]), suggest([anna, vera], [boris, galina])
    assert [(s.mentee_id, s.mentor_id) for s in naive] == [(1, 10), (2, 11)]
    assert [(s.mentee_id, s.mentor_id) for s in best] == [(1, 11), (2, 10)]
    assert total(naive) == 24.0
    assert total(best) == 30.0


def brute_force_best(mentees: list, mentors: list, scoring: Scoring = TEACHERS) -> float:
    """The best total over every assignment that keeps the capacities (tiny inputs only)."""
    matrix = scoring.matrix(mentees, mentors)
    best = 0.0
    for choice in itertools.product([None, *range(len(mentors))], repeat=len(mentees)):
        load = Counter(c for c in choice if c is not None)
        if all(load[c] <= mentors[c].free_slots for c in load):
            best = max(best, sum(matrix[r, c] for r, c in enumerate(choice) if c is not None))
    return round(best, 1)


def test_suggest_is_optimal_by_brute_force():
    greedy_lost = 0
    for seed in range(30):
        mentees, mentors = random_people(seed, mentees=5, mentors=4, max_slots=2)
        best = brute_force_best(mentees, mentors)
        assert total(suggest(mentees, mentors)) == best, seed
        assert total(greedy(mentees, mentors)) <= best, seed
        greedy_lost += total(greedy(mentees, mentors)) < best
    # Otherwise these cases could not tell the optimum from the baseline.
    assert greedy_lost > 0


def test_greedy_respects_capacities_too():
    mentees, mentors = random_people(seed=11, mentees=50, mentors=20)
    suggestions = greedy(mentees, mentors)
    slots = {m.id: m.free_slots for m in mentors}
    taken = Counter(s.mentor_id for s in suggestions)
    assert all(taken[m] <= slots[m] for m in taken)
    assert len(suggestions) == min(50, sum(slots.values()))
    assert total(suggestions) <= total(suggest(mentees, mentors))


def test_nobody_mentors_themselves():
    both = mentee(5, prefers=[5])
    assert suggest([both], [mentor(5, prefers=[5])]) == []
    assert greedy([both], [mentor(5, prefers=[5])]) == []
    assert [(s.mentee_id, s.mentor_id) for s in suggest([both], [mentor(5), mentor(6)])] \
        == [(5, 6)]


def test_the_areas_come_from_the_deficits_questionnaire_in_its_order():
    assert AREAS == ("area_methods", "area_technologies", "area_assessment", "area_control",
                     "area_programmes", "area_parents", "area_colleagues", "area_safety")
    # Another file's areas, in another order, are the ones scored (and break ties).
    areas = ("area_safety", "area_methods")
    assert matching.weakest_areas({"area_methods": 3, "area_safety": 3, "area_parents": 3},
                                  areas) == ["area_safety", "area_methods"]
    learner = mentee(1, deficits={"area_methods": 3, "area_parents": 3})
    helper = mentor(2, strengths={"area_methods": 3, "area_parents": 3})
    assert TeacherScoring(areas).score(learner, helper)[0] == 15.0
    assert TeacherScoring(areas).matrix([learner], [helper])[0, 0] == 15.0
    assert TeacherScoring(()).matrix([learner], [helper])[0, 0] == 0.0


def test_empty_inputs():
    assert suggest([], []) == [] and greedy([], []) == []
    assert suggest([mentee(1)], []) == [] and greedy([mentee(1)], []) == []
    assert suggest([], [mentor(7)]) == [] and greedy([], [mentor(7)]) == []
    assert score_matrix([], [mentor(7)]).shape == (0, 1)


def test_duplicate_ids_are_refused():
    with pytest.raises(ValueError, match="mentee id 1"):
        suggest([mentee(1), mentee(1)], [mentor(7)])
    with pytest.raises(ValueError, match="mentor id 7"):
        greedy([mentee(1)], [mentor(7), mentor(7)])
