"""Suggested «учитель – ученик» pairs (programme 002): a teacher mentor for each pupil mentee.

A pupil says what they want help with (the profile's `help_wanted`) and their grade; a teacher
mentor says what kind of mentor they can be (`mentor_types`), what they teach (`subjects`) and
how many mentees they can take (`mentee_capacity`). Which kinds of mentor meet which request, and
which subjects teach which grades, is data: `pupil_matching` in content/profile.yaml
(domain.profile.PupilMatching).

Score of a pair:

* each request of the pupil that the teacher's kinds of mentor meet: +15;
* the teacher teaches a subject of the pupil's grade (primary classes for the youngest): +10.

The assignment is the same optimal one as for teachers (domain.matching.suggest with capacities);
as there, `matrix` computes every pair at once and `score` one pair with its reasons, and the two
must agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from domain.matching import Reason, ReasonCode
from domain.profile import PupilMatching
from domain.roles import Variant

REQUEST_POINTS = 15
GRADE_POINTS = 10


@dataclass(frozen=True)
class Pupil:
    id: int
    requests: frozenset[str]
    grade: int | None = None


@dataclass(frozen=True)
class Teacher:
    id: int
    subjects: frozenset[str]
    mentor_types: frozenset[str]
    free_slots: int = 1


class PupilScoring:
    """Scores of teacher–pupil pairs under the content's rules (a domain.matching.Scoring)."""

    def __init__(self, rules: PupilMatching) -> None:
        self.rules = rules
        # Requests in the file's order, so reasons list them in a fixed order.
        self.requests = list(rules.requests)

    def met_requests(self, pupil: Pupil, teacher: Teacher) -> list[str]:
        return [request for request in self.requests if request in pupil.requests
                and teacher.mentor_types & set(self.rules.requests[request].mentor_types)]

    def teaches_grade(self, pupil: Pupil, teacher: Teacher) -> bool:
        stage = self.rules.stage_of(pupil.grade)
        return stage is not None and bool(teacher.subjects
                                          & set(self.rules.grades[stage].subjects))

    def score(self, pupil: Pupil, teacher: Teacher) -> tuple[float, tuple[Reason, ...]]:
        total = 0.0
        reasons: list[Reason] = []
        met = self.met_requests(pupil, teacher)
        if met:
            total += REQUEST_POINTS * len(met)
            reasons.append(Reason(ReasonCode.MEETS_REQUESTS, {"requests": met}))
        if self.teaches_grade(pupil, teacher):
            total += GRADE_POINTS
            reasons.append(Reason(ReasonCode.TEACHES_GRADE, {"grade": pupil.grade}))
        reasons.append(Reason(ReasonCode.FREE_PLACES, {"free": teacher.free_slots}))
        return round(total, 1), tuple(reasons)

    def matrix(self, pupils: Sequence[Pupil], teachers: Sequence[Teacher]) -> np.ndarray:
        """`score` of every pair at once: rows follow `pupils`, columns follow `teachers`."""
        rows, columns = len(pupils), len(teachers)
        if rows == 0 or columns == 0:
            return np.zeros((rows, columns))
        asks = np.array([[request in p.requests for request in self.requests] for p in pupils],
                        dtype=np.int64).reshape(rows, len(self.requests))
        meets = np.array([[bool(t.mentor_types & set(self.rules.requests[request].mentor_types))
                           for request in self.requests] for t in teachers],
                         dtype=np.int64).reshape(columns, len(self.requests))
        total = (asks @ meets.T) * float(REQUEST_POINTS)
        stages = self.rules.grades
        if stages:
            teaches = np.array([[bool(t.subjects & set(stage.subjects)) for stage in stages]
                                for t in teachers], dtype=bool)
            for row, pupil in enumerate(pupils):
                stage = self.rules.stage_of(pupil.grade)
                if stage is not None:
                    total[row] += np.where(teaches[:, stage], GRADE_POINTS, 0)
        return np.round(total, 1)

    def usual_variant(self, pupil: Pupil) -> Variant | None:
        """The variant the pupil's first request (in the file's order) suggests, if any."""
        return next((self.rules.requests[r].variant for r in self.requests
                     if r in pupil.requests and self.rules.requests[r].variant is not None), None)
