"""«Учитель – ученик» suggestions: a pupil's requests and grade against a teacher's kinds of
mentor, subjects and places, under the rules of content/profile.yaml; the same optimal
assignment as for teachers."""

from __future__ import annotations

import itertools
import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import PROJECT_ROOT
from domain.matching import Reason, greedy, suggest
from domain.profile import ProfileForm, PupilMatching
from domain.pupil_matching import GRADE_POINTS, REQUEST_POINTS, Pupil, PupilScoring, Teacher
from domain.questionnaire import DefinitionError
from domain.roles import Variant
from tests.test_matching import brute_force_best

FORM = ProfileForm.from_file(PROJECT_ROOT / "content" / "profile.yaml")
SCORING = PupilScoring(FORM.pupil_matching)
REQUESTS = [option.value for option in FORM.question("help_wanted").options]
TYPES = [option.value for option in FORM.question("mentor_types").options]
SUBJECTS = [option.value for option in FORM.question("subjects").options]


def pupil(id_: int, requests=(), grade=None) -> Pupil:
    return Pupil(id_, frozenset(requests), grade)


def teacher(id_: int, subjects=(), types=(), slots=1) -> Teacher:
    return Teacher(id_, frozenset(subjects), frozenset(types), slots)


def test_the_shipped_rules_name_every_request_a_pupil_can_make():
    assert set(FORM.pupil_matching.requests) == set(REQUESTS)


def test_requests_met_by_the_kinds_of_mentor_and_the_grade_by_the_subjects():
    kolya = pupil(1, ["study", "projects"], grade=7)
    # A subject teacher of maths meets both requests (subject) and teaches grade 7.
    assert SCORING.score(kolya, teacher(10, ["math"], ["subject"], slots=2)) == (
        2 * REQUEST_POINTS + GRADE_POINTS, (
            Reason("meets-requests", {"requests": ["study", "projects"]}),
            Reason("teaches-grade", {"grade": 7}),
            Reason("free-places", {"free": 2})))
    # A guide meets neither; a primary-school teacher does not teach grade 7.
    assert SCORING.score(kolya, teacher(11, ["primary"], ["guide"])) == (
        0.0, (Reason("free-places", {"free": 1}),))
    # A primary-school teacher does teach grade 2; «Другое» teaches no grade.
    assert SCORING.score(pupil(2, grade=2), teacher(12, ["primary"]))[0] == GRADE_POINTS
    assert SCORING.score(pupil(2, grade=2), teacher(12, ["other"]))[0] == 0.0
    # A pupil without a grade, or swapping skills as equals, gets nothing from a teacher.
    assert SCORING.score(pupil(3, ["skills_exchange"]), teacher(13, ["math"], TYPES))[0] == 0.0


def test_the_usual_variant_follows_the_first_request_in_the_files_order():
    assert SCORING.usual_variant(pupil(1, ["creativity", "study"])) is Variant.TEACHER_UNDERACHIEVER
    assert SCORING.usual_variant(pupil(1, ["communication"])) is Variant.TEACHER_PASSIVE
    assert SCORING.usual_variant(pupil(1, ["skills_exchange"])) is None


def test_rules_naming_what_the_profile_does_not_offer_stop_start_up(tmp_path):
    text = (PROJECT_ROOT / "content" / "profile.yaml").read_text(encoding="utf-8")
    for wrong, fixed in (("study: {mentor_types: [subject,", "studies: {mentor_types: [subject,"),
                         ("[guide, advocate]", "[guide, wizard]"),
                         ("variant: gifted_pupil}", "variant: peer}"),
                         ("{up_to: 4, subjects: [primary]}", "{up_to: 4, subjects: [latin]}")):
        assert wrong in text
        path = tmp_path / "profile.yaml"
        path.write_text(text.replace(wrong, fixed, 1), encoding="utf-8")
        with pytest.raises(DefinitionError, match="pupil_matching"):
            ProfileForm.from_file(path)


def random_people(seed: int, pupils: int, teachers: int, max_slots: int = 3
                  ) -> tuple[list[Pupil], list[Teacher]]:
    rng = random.Random(seed)

    def some(pool, most):
        return rng.sample(pool, rng.randint(0, min(most, len(pool))))

    return ([pupil(i, some(REQUESTS, 3), rng.choice([None, *range(1, 12)]))
             for i in range(1, pupils + 1)],
            [teacher(i, some(SUBJECTS, 2), some(TYPES, 3), rng.randint(0, max_slots))
             for i in range(1000, 1000 + teachers)])


def test_matrix_agrees_with_score_and_suggest_keeps_capacities():
    pupils, teachers = random_people(seed=5, pupils=40, teachers=15)
    matrix = SCORING.matrix(pupils, teachers)
    for (row, p), (column, t) in itertools.product(enumerate(pupils), enumerate(teachers)):
        assert matrix[row, column] == SCORING.score(p, t)[0], (p, t)
    suggestions = suggest(pupils, teachers, SCORING)
    slots = {t.id: t.free_slots for t in teachers}
    taken = Counter(s.mentor_id for s in suggestions)
    assert all(taken[t] <= slots[t] for t in taken)
    assert len(suggestions) == min(40, sum(slots.values()))
    by_id = {t.id: t for t in teachers}
    for s in suggestions:
        assert (s.score, s.reasons) == SCORING.score(pupils[s.mentee_id - 1], by_id[s.mentor_id])


def test_the_optimum_gives_the_only_fitting_teacher_to_the_pupil_who_needs_them():
    # Both pupils want help with studies; only Olga also guides a newcomer settling in.
    dima = pupil(1, ["study"], grade=6)
    lena = pupil(2, ["study", "adaptation"], grade=6)
    olga = teacher(10, ["math"], ["subject", "guide"])
    ivan = teacher(11, ["physics"], ["subject"])
    best = suggest([dima, lena], [olga, ivan], SCORING)
    assert [(s.mentee_id, s.mentor_id) for s in best] == [(1, 11), (2, 10)]
    assert sum(s.score for s in best) == 2 * (REQUEST_POINTS + GRADE_POINTS) + REQUEST_POINTS
    assert sum(s.score for s in greedy([dima, lena], [olga, ivan], SCORING)) \
        <= sum(s.score for s in best)


people = st.tuples(
    st.lists(st.tuples(st.sets(st.sampled_from(REQUESTS), max_size=3),
                       st.one_of(st.none(), st.integers(1, 11))), max_size=4),
    st.lists(st.tuples(st.sets(st.sampled_from(SUBJECTS), max_size=2),
                       st.sets(st.sampled_from(TYPES), max_size=3), st.integers(0, 2)),
             max_size=3))


@settings(max_examples=60, deadline=None)
@given(people)
def test_suggest_is_optimal_and_agrees_with_the_score_of_each_pair(drawn):
    pupil_rows, teacher_rows = drawn
    pupils = [pupil(i, requests, grade) for i, (requests, grade) in enumerate(pupil_rows, 1)]
    teachers = [teacher(100 + i, subjects, types, slots)
                for i, (subjects, types, slots) in enumerate(teacher_rows)]
    found = suggest(pupils, teachers, SCORING)
    # suggest itself asserts each pair's score equals the matrix; the total is the best there is.
    assert round(sum(s.score for s in found), 1) == brute_force_best(pupils, teachers, SCORING)
    by_id = {t.id: t for t in teachers}
    for s in found:
        assert (s.score, s.reasons) == SCORING.score(pupils[s.mentee_id - 1], by_id[s.mentor_id])
    assert len(found) == min(len(pupils), sum(t.free_slots for t in teachers))


def test_without_rules_every_pair_scores_alike():
    bare = PupilScoring(PupilMatching(requests={}))
    assert bare.score(pupil(1, ["study"], 5), teacher(2, ["math"], ["subject"])) == (
        0.0, (Reason("free-places", {"free": 1}),))
    assert [(s.mentee_id, s.mentor_id) for s in suggest([pupil(1)], [teacher(2)], bare)] \
        == [(1, 2)]
