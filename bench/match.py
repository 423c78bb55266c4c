"""Time of pair suggestions for a school and for a region, and their total score against greedy.

    .venv/bin/python -m bench.match

Synthetic, seeded data: a school has 500 mentees and 150 mentors with 1–5 places each; a region
is 40 such schools, matched school by school as the service does. Diagnosis answers, subjects and
preferences (within the school) are random, so the scores are lower than in real schools, where
preferences follow the diagnosis; the timings do not depend on that.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence

from bot.config import PROJECT_ROOT
from domain.matching import Mentee, Mentor, Suggestion, TeacherScoring, greedy, suggest
from domain.questionnaire import Catalog

SEED = 2024
SCHOOLS = 40
MENTEES_PER_SCHOOL = 500
MENTORS_PER_SCHOOL = 150
SUBJECTS = ("primary", "russian", "math", "informatics", "physics", "chemistry", "biology",
            "geography", "history", "foreign", "arts", "technology", "pe", "other")
MENTOR_TYPES = ("guide", "consultant", "subject", "advocate", "idol", "controller")

School = tuple[list[Mentee], list[Mentor]]
# The diagnosis areas of the shipped content, as the app reads them.
AREAS = Catalog.from_directory(PROJECT_ROOT / "content" / "questionnaires").purposes.areas
SCORING = TeacherScoring(AREAS)
Matcher = Callable[[Sequence[Mentee], Sequence[Mentor], TeacherScoring], list[Suggestion]]


def school(rng: random.Random, first_mentee: int, first_mentor: int) -> School:
    mentee_ids = list(range(first_mentee, first_mentee + MENTEES_PER_SCHOOL))
    mentor_ids = list(range(first_mentor, first_mentor + MENTORS_PER_SCHOOL))

    def some(pool: Sequence, least: int, most: int) -> tuple:
        return tuple(rng.sample(pool, rng.randint(least, most)))

    def answers() -> dict[str, int]:
        return {area: rng.randint(0, 3) for area in AREAS}

    mentees = [Mentee(i, frozenset(some(SUBJECTS, 1, 2)), answers(), some(mentor_ids, 0, 3))
               for i in mentee_ids]
    mentors = [Mentor(i, frozenset(some(SUBJECTS, 1, 2)), frozenset(some(MENTOR_TYPES, 1, 3)),
                      answers(), some(mentee_ids, 0, 3), rng.randint(1, 5))
               for i in mentor_ids]
    return mentees, mentors


def timed(match: Matcher, schools: list[School]) -> tuple[float, list[Suggestion]]:
    started = time.perf_counter()
    found = [s for mentees, mentors in schools for s in match(mentees, mentors, SCORING)]
    return time.perf_counter() - started, found


def total(suggestions: list[Suggestion]) -> float:
    return sum(s.score for s in suggestions)


def report(name: str, schools: list[School]) -> None:
    mentees = sum(len(m) for m, _ in schools)
    places = sum(n.free_slots for _, ns in schools for n in ns)
    ours_time, ours = timed(suggest, schools)
    greedy_time, naive = timed(greedy, schools)
    print(f"{name}: {len(schools)} school(s), {mentees} mentees, "
          f"{sum(len(n) for _, n in schools)} mentors, {places} places")
    print(f"  suggest {ours_time:.3f} s, greedy {greedy_time:.3f} s")
    print(f"  matched {len(ours)} of {mentees} (greedy {len(naive)}); total score "
          f"{total(ours):.1f} vs greedy {total(naive):.1f}, ratio {total(ours) / total(naive):.4f}")


def main() -> None:
    rng = random.Random(SEED)
    region = [school(rng, 1 + n * MENTEES_PER_SCHOOL, 1_000_000 + n * MENTORS_PER_SCHOOL)
              for n in range(SCHOOLS)]
    report("school", region[:1])
    report("region", region)


if __name__ == "__main__":
    main()
