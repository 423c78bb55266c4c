"""Suggested mentor–mentee pairs for a curator, with the reasons behind each suggestion.

Every possible pair gets a score; the suggestion is the assignment with the highest total score
that gives no mentor more mentees than their free places.

Score of a pair (all weights are constants below, so the curator's help text can quote them):

* deficit coverage: for each of the mentee's weakest areas (difficulty 2 or 3, at most three),
  min(difficulty, mentor's strength) / 3 × 15 points: up to 45 for three areas fully covered;
* same subject: +20 when the mentor is a subject expert («предметник») sharing a subject with the
  mentee, +10 when they share a subject otherwise; «other» is not a shared subject;
* the mentee ranked the mentor r-th (1..3): +(4 − r) × 8, so 24, 16 or 8;
* the mentor named the mentee: +10; both named each other: another +6.

Only the first three preferences on either side count, as the questionnaires allow three.
Answers outside the 0–3 scale are clipped into it, so one broken row cannot outweigh the rest.

Why `scipy.optimize.linear_sum_assignment`: choosing pairs to maximise the total score is the
weighted bipartite assignment problem. Giving each mentor one column per free place turns the
capacities into a plain rectangular assignment, which the solver (a Jonker–Volgenant shortest
augmenting path method, like the Hungarian algorithm) solves exactly in polynomial time. The
greedy "best remaining pair first" can lose a lot: it hands a mentor to the first mentee who
likes them, even when that mentor is the only good match of another mentee. Stable matching does
not fit either: it needs a full ranking from both sides, and here mentees name at most three
mentors and many name none, while the diagnosis scores are what should decide the rest.

Scores are computed twice on purpose: `score_matrix` with numpy over every pair at once, which
is what makes a school of hundreds of people fast, and `score` per pair with its reasons, only
for the pairs that are suggested. The two must agree, and `suggest` checks that they do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

import numpy as np
from scipy.optimize import linear_sum_assignment

from domain.questionnaire import Catalog, DefinitionError, QuestionType

TOP_LEVEL = 3
WEAK_FROM = 2
WEAKEST_COUNT = 3
COVERED_FROM = 2

COVERAGE_POINTS = 15
SUBJECT_EXPERT_POINTS = 20
SHARED_SUBJECT_POINTS = 10
MENTEE_RANK_POINTS = 8
MENTOR_PREFERS_POINTS = 10
MUTUAL_POINTS = 6
MAX_PREFERENCES = 3

SUBJECT_EXPERT = "subject"
# «Другое» says nothing about what either person teaches.
UNSPECIFIED_SUBJECTS = frozenset({"other"})

# Far below any real total, so the solver takes a forbidden pair only when nothing else is left.
_FORBIDDEN = -1e9


class ReasonCode(StrEnum):
    COVERS_DEFICITS = "covers-deficits"
    SAME_SUBJECT = "same-subject"
    MENTEE_PREFERS = "mentee-prefers"
    MENTOR_PREFERS = "mentor-prefers"
    MUTUAL_PREFERENCE = "mutual-preference"
    FREE_PLACES = "free-places"
    # «учитель – ученик» (domain.pupil_matching)
    MEETS_REQUESTS = "meets-requests"
    TEACHES_GRADE = "teaches-grade"


@dataclass(frozen=True)
class Mentee:
    id: int
    subjects: frozenset[str]
    deficits: Mapping[str, int]
    preferred_mentors: tuple[int, ...] = ()


@dataclass(frozen=True)
class Mentor:
    id: int
    subjects: frozenset[str]
    mentor_types: frozenset[str]
    strengths: Mapping[str, int]
    preferred_mentees: tuple[int, ...] = ()
    free_slots: int = 1


@dataclass(frozen=True)
class Reason:
    """Why a pair scores: a code and plain data (area ids, subject codes, numbers) to localise."""

    code: str
    params: Mapping[str, object]


@dataclass(frozen=True)
class Suggestion:
    mentee_id: int
    mentor_id: int
    score: float
    reasons: tuple[Reason, ...]


def _level(value: object) -> int:
    return min(max(int(value), 0), TOP_LEVEL) if isinstance(value, int) else 0


def weakest_areas(deficits: Mapping[str, int], areas: Sequence[str],
                  limit: int = WEAKEST_COUNT) -> list[str]:
    """The areas the mentee finds hardest (2 or 3), hardest first; `areas` are the diagnosis's
    (domain.questionnaire.Purposes.areas), in its order, which breaks ties; other ids are
    ignored."""
    weak = [area for area in areas if _level(deficits.get(area, 0)) >= WEAK_FROM]
    # sorted() is stable, so equal difficulties keep the questionnaire order.
    return sorted(weak, key=lambda area: -_level(deficits[area]))[:max(limit, 0)]


def _shared_subjects(mentee: Mentee, mentor: Mentor) -> list[str]:
    return sorted((mentee.subjects & mentor.subjects) - UNSPECIFIED_SUBJECTS)


def _rank(preferences: tuple[int, ...], wanted: int) -> int:
    """1-based position among the counted preferences, 0 when not named."""
    counted = preferences[:MAX_PREFERENCES]
    return counted.index(wanted) + 1 if wanted in counted else 0


def score(mentee: Mentee, mentor: Mentor, areas: Sequence[str]
          ) -> tuple[float, tuple[Reason, ...]]:
    total = 0.0
    reasons: list[Reason] = []

    covered = []
    for area in weakest_areas(mentee.deficits, areas):
        strength = _level(mentor.strengths.get(area, 0))
        total += min(_level(mentee.deficits[area]), strength) / TOP_LEVEL * COVERAGE_POINTS
        if strength >= COVERED_FROM:
            covered.append(area)
    if covered:
        reasons.append(Reason(ReasonCode.COVERS_DEFICITS, {"areas": covered}))

    shared = _shared_subjects(mentee, mentor)
    if shared:
        expert = SUBJECT_EXPERT in mentor.mentor_types
        total += SUBJECT_EXPERT_POINTS if expert else SHARED_SUBJECT_POINTS
        reasons.append(Reason(ReasonCode.SAME_SUBJECT, {"subjects": shared}))

    rank = _rank(mentee.preferred_mentors, mentor.id)
    if rank:
        total += (MAX_PREFERENCES + 1 - rank) * MENTEE_RANK_POINTS
        reasons.append(Reason(ReasonCode.MENTEE_PREFERS, {"rank": rank}))
    named = _rank(mentor.preferred_mentees, mentee.id) > 0
    if named:
        total += MENTOR_PREFERS_POINTS
        reasons.append(Reason(ReasonCode.MENTOR_PREFERS, {}))
    if rank and named:
        total += MUTUAL_POINTS
        reasons.append(Reason(ReasonCode.MUTUAL_PREFERENCE, {}))

    reasons.append(Reason(ReasonCode.FREE_PLACES, {"free": mentor.free_slots}))
    return round(total, 1), tuple(reasons)


def _check_ids(people: Iterable[Any], kind: str) -> None:
    seen: set[int] = set()
    for person in people:
        if person.id in seen:
            raise ValueError(f"{kind} id {person.id} appears twice")
        seen.add(person.id)


def score_matrix(mentees: Sequence[Mentee], mentors: Sequence[Mentor], areas: Sequence[str]
                 ) -> np.ndarray:
    """`score` of every pair at once: rows follow `mentees`, columns follow `mentors`."""
    rows, columns = len(mentees), len(mentors)
    if rows == 0 or columns == 0:
        return np.zeros((rows, columns))

    areas = list(areas)
    weakest = np.zeros((rows, len(areas)), dtype=bool)
    deficits = np.zeros((rows, len(areas)), dtype=np.int64)
    for row, mentee in enumerate(mentees):
        deficits[row] = [_level(mentee.deficits.get(area, 0)) for area in areas]
        for area in weakest_areas(mentee.deficits, areas):
            weakest[row, areas.index(area)] = True
    strengths = np.array([[_level(m.strengths.get(area, 0)) for area in areas] for m in mentors],
                         dtype=np.int64).reshape(columns, len(areas))
    covered = np.minimum(deficits[:, None, :], strengths[None, :, :]) * weakest[:, None, :]
    total = covered.sum(axis=2) / TOP_LEVEL * COVERAGE_POINTS

    subjects = sorted(set().union(*(m.subjects for m in mentees)) - UNSPECIFIED_SUBJECTS)
    if subjects:
        column_of = {subject: index for index, subject in enumerate(subjects)}
        teaches_mentee = np.zeros((rows, len(subjects)), dtype=np.int64)
        for row, mentee in enumerate(mentees):
            for subject in mentee.subjects & column_of.keys():
                teaches_mentee[row, column_of[subject]] = 1
        teaches_mentor = np.zeros((columns, len(subjects)), dtype=np.int64)
        for column, mentor in enumerate(mentors):
            for subject in mentor.subjects & column_of.keys():
                teaches_mentor[column, column_of[subject]] = 1
        shared = (teaches_mentee @ teaches_mentor.T) > 0
        expert = np.array([SUBJECT_EXPERT in m.mentor_types for m in mentors])
        total += np.where(shared, np.where(expert, SUBJECT_EXPERT_POINTS,
                                           SHARED_SUBJECT_POINTS), 0)

    row_of = {mentee.id: row for row, mentee in enumerate(mentees)}
    mentor_column = {mentor.id: column for column, mentor in enumerate(mentors)}
    rank = np.zeros((rows, columns), dtype=np.int64)
    for row, mentee in enumerate(mentees):
        for position, mentor_id in enumerate(mentee.preferred_mentors[:MAX_PREFERENCES], 1):
            column = mentor_column.get(mentor_id)
            if column is not None and rank[row, column] == 0:
                rank[row, column] = position
    named = np.zeros((rows, columns), dtype=bool)
    for column, mentor in enumerate(mentors):
        for mentee_id in mentor.preferred_mentees[:MAX_PREFERENCES]:
            row = row_of.get(mentee_id)
            if row is not None:
                named[row, column] = True
    total += np.where(rank > 0, (MAX_PREFERENCES + 1 - rank) * MENTEE_RANK_POINTS, 0)
    total += named * MENTOR_PREFERS_POINTS + ((rank > 0) & named) * MUTUAL_POINTS
    return np.round(total, 1)


class Scoring(Protocol):
    """How a form scores its pairs: one pair with its reasons, and every pair at once (the two
    must agree). People are anything with an `id`; mentors also have `free_slots`."""

    def score(self, mentee: Any, mentor: Any) -> tuple[float, tuple[Reason, ...]]: ...

    def matrix(self, mentees: Sequence[Any], mentors: Sequence[Any]) -> np.ndarray: ...


class TeacherScoring:
    """«учитель – учитель»: the scores above, over the diagnosis's areas."""

    def __init__(self, areas: Sequence[str]) -> None:
        self.areas = tuple(areas)

    def score(self, mentee: Mentee, mentor: Mentor) -> tuple[float, tuple[Reason, ...]]:
        return score(mentee, mentor, self.areas)

    def matrix(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> np.ndarray:
        return score_matrix(mentees, mentors, self.areas)


def _prepare(mentees: Sequence[Any], mentors: Sequence[Any], scoring: Scoring
             ) -> tuple[list[Any], list[Any], np.ndarray]:
    """Validated inputs without mentors who have no places, and their scores."""
    mentees = list(mentees)
    _check_ids(mentees, "mentee")
    _check_ids(mentors, "mentor")
    open_mentors = [mentor for mentor in mentors if mentor.free_slots > 0]
    matrix = scoring.matrix(mentees, open_mentors)
    # One person may hold both roles; they must never be suggested as their own mentor.
    mentee_ids = np.array([m.id for m in mentees], dtype=np.int64)
    mentor_ids = np.array([m.id for m in open_mentors], dtype=np.int64)
    if matrix.size:
        matrix[mentee_ids[:, None] == mentor_ids[None, :]] = _FORBIDDEN
    return mentees, open_mentors, matrix


def _suggestions(pairs: Iterable[tuple[Any, Any]], matrix_scores: Iterable[float],
                 scoring: Scoring) -> list[Suggestion]:
    found = []
    for (mentee, mentor), expected in zip(pairs, matrix_scores, strict=True):
        value, reasons = scoring.score(mentee, mentor)
        assert abs(value - expected) < 1e-6, f"score {value} != matrix {expected}"
        found.append(Suggestion(mentee.id, mentor.id, value, reasons))
    return sorted(found, key=lambda s: s.mentee_id)


def suggest(mentees: Sequence[Any], mentors: Sequence[Any], scoring: Scoring
            ) -> list[Suggestion]:
    """The pairs with the highest total score, at most one per mentee, sorted by mentee id.

    Every mentee gets a mentor while free places last, even when the best is a weak match
    (score 0): the curator decides. With fewer places than mentees, those whose absence costs
    the total least go without. Among equally good assignments the choice is arbitrary but fixed.
    """
    mentees, open_mentors, matrix = _prepare(mentees, mentors, scoring)
    if not matrix.size:
        return []
    # A mentor never needs more columns than there are mentees.
    places = np.minimum([m.free_slots for m in open_mentors], len(mentees))
    slot_owner = np.repeat(np.arange(len(open_mentors)), places)
    slots = matrix[:, slot_owner]
    rows, columns = linear_sum_assignment(slots, maximize=True)
    chosen = [(row, slot_owner[column]) for row, column in zip(rows, columns, strict=True)
              if slots[row, column] != _FORBIDDEN]
    return _suggestions(((mentees[r], open_mentors[c]) for r, c in chosen),
                        (matrix[r, c] for r, c in chosen), scoring)


def greedy(mentees: Sequence[Any], mentors: Sequence[Any], scoring: Scoring
           ) -> list[Suggestion]:
    """The naive baseline: repeatedly take the best remaining pair (ties: lower ids first)."""
    mentees, open_mentors, matrix = _prepare(mentees, mentors, scoring)
    if not matrix.size:
        return []
    mentee_ids = np.array([m.id for m in mentees], dtype=np.int64)
    mentor_ids = np.array([m.id for m in open_mentors], dtype=np.int64)
    rows, columns = np.indices(matrix.shape).reshape(2, -1)
    values = matrix.ravel()
    order = np.lexsort((mentor_ids[columns], mentee_ids[rows], -values))
    order = order[values[order] != _FORBIDDEN]
    places = [m.free_slots for m in open_mentors]
    left = min(len(mentees), sum(places))
    taken = [False] * len(mentees)
    chosen = []
    for row, column in zip(rows[order].tolist(), columns[order].tolist(), strict=True):
        if taken[row] or not places[column]:
            continue
        taken[row] = True
        places[column] -= 1
        chosen.append((row, column))
        left -= 1
        if not left:
            break
    return _suggestions(((mentees[r], open_mentors[c]) for r, c in chosen),
                        (matrix[r, c] for r, c in chosen), scoring)


def check_areas(catalog: Catalog) -> None:
    """The diagnosis areas are the deficits file's scale questions (Purposes.areas): every
    question of type scale in it is an area, in its order, so a scale question added there is a
    new area (and needs its `area-<id>` name in the locales, bot.factory.check_area_labels), and
    a question that is not an area must be of another type. The mentor's strengths file must
    rate each of them on a scale too, or matching would find no strengths: a file renamed or
    edited without them would leave matching silently empty."""
    areas = catalog.purposes.areas
    code = catalog.purposes.strengths
    if catalog.purposes.deficits is not None and not areas:
        raise DefinitionError(f"questionnaire {catalog.purposes.deficits!r}: the diagnosis of "
                              "deficits rates its areas on a scale, and has no scale question")
    questionnaire = catalog.get(code) if code is not None else None
    if questionnaire is None:
        return
    missing = [area for area in areas if (question := questionnaire.question(area)) is None
               or question.type is not QuestionType.SCALE]
    if missing:
        raise DefinitionError(
            f"questionnaire {code!r}: a diagnosis that matching reads rates every area on a "
            f"scale; missing or not a scale: {', '.join(missing)} (the areas are the scale "
            f"questions of {catalog.purposes.deficits!r})")
