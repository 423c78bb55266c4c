"""The curator's desk on a whole region: /summary and /export against the bare SQL they need.

    .venv/bin/python -m bench.desk                      # full region, SQLite and PostgreSQL
    .venv/bin/python -m bench.desk --size 0.02 --db sqlite
    .venv/bin/python -m bench.desk --keep               # reuse the databases built before
    .venv/bin/python -m bench.desk --writers openpyxl,xlsxwriter   # both XLSX writers

A seeded regional dataset is written with Core bulk inserts: 200 schools of 500 participants
(100,000 people with profiles and roles), about 2,000,000 answers to the real questionnaires of
content/questionnaires (diagnoses, preferences, satisfaction) completed over the school year
2026-08-01..2026-11-22, 20,000 pairs with their plans and 200,000 meetings. `--size` scales the
number of schools. Then, on each database:

* `figures.summarize` for the whole region and for one school (what /summary computes);
* the bare aggregate SQL the same figures need (hand-written GROUP BY queries run back to back),
  checked to give the same figures, and summarize as a ratio of it;
* `export.export` of the whole region as XLSX, in a child process per writer (--writers: the
  export's own XlsxWriter as the bot runs it, which splits a region's tables between two
  processes; the same in one process, "single"; and openpyxl, the candidate it replaced), so its
  peak resident memory is the export's own (the split's second process is printed apart): the
  child's RSS after imports, its peak during the exports (VmHWM, reset after the imports;
  ru_maxrss is printed too, but a child inherits its parent's high-water mark over exec) and
  the difference; with --tracemalloc also the peak of Python allocations, from one
  extra traced run (tracing slows the export about six times, hence not by default).

Every timing is the median of 3 runs after a warm-up, all in this one run of the script.
SQLite lives in /tmp/bench_desk_<size>.db; PostgreSQL in its own database `bench_desk` (created
through the `postgres` maintenance database if missing; its schema is dropped and rebuilt
unless --keep finds a dataset of the same size there, judged by its row counts). Nothing else
is touched.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bench.match import AREAS, MENTOR_TYPES, SUBJECTS
from bench.match_db import TOKEN
from bot.config import PROJECT_ROOT, load_settings
from bot.factory import App, build_app
from bot.plain_text import PlainLabels
from domain.matching import WEAK_FROM
from domain.questionnaire import Catalog, Purposes, Question, Questionnaire, QuestionType
from domain.roles import Role
from models import (
    Answer,
    Meeting,
    Pair,
    PairMember,
    PlanItem,
    Profile,
    Response,
    School,
    User,
    UserRole,
)
from models.base import UtcDateTime
from services import export, figures, reports, scores
from services.meetings import MODELS
from services.pairs import VARIANT_BY_CATEGORY

SEED = 2026
RUNS = 3
ZONE = ZoneInfo("Europe/Moscow")
SINCE = datetime(2026, 8, 1, tzinfo=ZONE)
UNTIL = datetime(2026, 11, 23, tzinfo=ZONE)
NOW = datetime(2026, 11, 22, 15, 0, tzinfo=ZONE)
YEAR_END = date(2027, 5, 31)

# The full region: 200 schools of 500 participants, 100 pairs and 1,000 meetings each.
FULL_SCHOOLS = 200
PEOPLE = {Role.MENTEE_TEACHER: 175, Role.MENTOR_TEACHER: 125, Role.MENTEE_PUPIL: 100,
          Role.MENTOR_PUPIL: 100}
# Of each school's mentor teachers, these work with pupils; of its mentee pupils, these with a
# teacher.
TEACHERS_OF_PUPILS, PUPILS_OF_TEACHERS = 25, 30
PAIRS = {"teacher_teacher": 60, "teacher_pupil": 10, "pupil_pupil": 30}
MEETINGS = 1000
# Rows written per statement, and answers gathered before the pending rows are written.
CHUNK = 20_000
FLUSH_AT = 100_000

SQLITE_PATH = "/tmp/bench_desk_{size:g}.db"
PG_NAME = "bench_desk"
PG_URL = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{PG_NAME}"
PG_ADMIN_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"

SURNAMES = ("Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов",
            "Михайлов", "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев",
            "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев",
            "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев")
FIRST_NAMES = (("Анна", "Мария", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана",
                "Дарья", "Полина"),
               ("Иван", "Пётр", "Сергей", "Андрей", "Дмитрий", "Алексей", "Михаил", "Никита",
                "Артём", "Егор"))
PATRONYMICS = (("Ивановна", "Петровна", "Сергеевна", "Андреевна", "Дмитриевна"),
               ("Иванович", "Петрович", "Сергеевич", "Андреевич", "Дмитриевич"))
PHRASES = ("Разобрать сложные темы урока", "Больше открытых уроков", "Помощь с журналом",
           "Подготовка к аттестации", "Работа с родителями", "Всё понравилось, спасибо",
           "Не хватило времени на встречи", "Хочу продолжить в следующем году",
           "Методическая поддержка по предмету", "Разбор конфликтных ситуаций в классе")
GOALS = ("Провести открытый урок", "Составить рабочую программу", "Посетить уроки наставника",
         "Подготовить портфолио к аттестации", "Провести родительское собрание",
         "Освоить электронный журнал", "Разработать проект с классом")
PLACES = ("каб. 21", "учительская", "библиотека", "онлайн", "актовый зал", "каб. 305")
TOPICS = ("Планирование уроков", "Разбор урока", "Оценивание", "Работа с родителями",
          "Дисциплина в классе", "Подготовка к олимпиаде", "Проект", "Итоги месяца")
HELP = ("study", "adaptation", "communication", "projects", "creativity", "skills_exchange")
PUPIL_VARIANTS = ("achiever_struggling", "leader_passive", "peer", "adapted_newcomer")
SATISFACTION_SCALE = (1, 1, 2, 2, 4, 6, 10, 14, 12, 10)


def settings_for(url: str):
    return load_settings(_env_file=None, bot_token=TOKEN, redis_url="", database_url=url,
                         content_dir=PROJECT_ROOT / "content")


def schools_for(size: float) -> int:
    return max(2, round(FULL_SCHOOLS * size))


def expected_rows(schools: int) -> dict[str, int]:
    return {"users": schools * sum(PEOPLE.values()), "pairs": schools * sum(PAIRS.values()),
            "meetings": schools * MEETINGS}


def median_of(times: list[float]) -> float:
    return statistics.median(times)


# --- the dataset ------------------------------------------------------------------------------

class Region:
    """Rows of every table, school by school, from one seeded generator."""

    TABLES = (User, UserRole, Profile, Response, Answer, Pair, PairMember, PlanItem, Meeting)

    def __init__(self, catalog: Catalog, schools: int) -> None:
        self.rng = random.Random(SEED)
        self.catalog = catalog
        self.schools = schools
        self.ids = Counter()
        self.pending: dict[Any, list[dict]] = {table: [] for table in self.TABLES}

    def next_id(self, kind: str) -> int:
        self.ids[kind] += 1
        return self.ids[kind]

    def moment(self, first: datetime, last: datetime) -> datetime:
        return first + timedelta(seconds=self.rng.uniform(0, (last - first).total_seconds()))

    def day_moment(self, day: date) -> datetime:
        hour = self.rng.randint(8, 18)
        return datetime.combine(day, clock_time(hour, self.rng.choice((0, 15, 30, 45))),
                                tzinfo=ZONE)

    def school_rows(self) -> list[dict]:
        now = SINCE - timedelta(days=30)
        return [{"id": n, "name": f"МБОУ СОШ № {n}", "normalized_name": f"мбоу сош № {n}",
                 "parent_id": None, "created_at": now} for n in range(1, self.schools + 1)]

    # People ------------------------------------------------------------------------------------

    def school(self, school_id: int) -> None:
        people: dict[str, list[tuple[int, dict]]] = {}
        for role, count in PEOPLE.items():
            for index in range(count):
                if role is Role.MENTOR_TEACHER:
                    form = "teacher_pupil" if index < TEACHERS_OF_PUPILS else "teacher_teacher"
                elif role is Role.MENTEE_PUPIL:
                    form = "teacher_pupil" if index < PUPILS_OF_TEACHERS else "pupil_pupil"
                else:
                    form = "pupil_pupil" if role is Role.MENTOR_PUPIL else "teacher_teacher"
                user_id, person = self.person(school_id, role, form)
                people.setdefault(f"{role.value}/{form}", []).append((user_id, person))
        mentors = [uid for key, group in people.items() if key.startswith("mentor_teacher")
                   for uid, _ in group]
        mentees = [uid for uid, _ in people["mentee_teacher/teacher_teacher"]]
        for key, group in people.items():
            for user_id, person in group:
                self.responses(user_id, key.split("/")[0], person, mentors, mentees)
        self.pairs(school_id, people)

    def person(self, school_id: int, role: Role, form: str) -> tuple[int, dict]:
        rng = self.rng
        user_id = self.next_id("user")
        joined = self.moment(SINCE - timedelta(days=20), SINCE + timedelta(days=40))
        female = rng.random() < 0.7 if role.is_teacher else rng.random() < 0.5
        sex = 0 if female else 1
        surname = rng.choice(SURNAMES) + ("а" if female else "")
        name = f"{surname} {rng.choice(FIRST_NAMES[sex])}"
        if role.is_teacher:
            name += f" {rng.choice(PATRONYMICS[sex])}"
        experience = category = None
        if role is Role.MENTEE_TEACHER:
            experience = rng.randint(0, 3) if rng.random() < 0.4 else rng.randint(4, 30)
            category = (("young_specialist" if rng.random() < 0.8 else "new_employee")
                        if experience <= 3 else
                        rng.choices(("new_employee", "attestation", "contest", "burnout"),
                                    (3, 4, 1, 2))[0])
        elif role is Role.MENTOR_TEACHER:
            experience = rng.randint(5, 40)
        self.pending[User].append({
            "id": user_id, "telegram_id": 1_000_000_000 + user_id,
            "username": f"user{user_id}" if rng.random() < 0.6 else None, "locale": "ru",
            "consent_at": joined, "is_active": rng.random() >= 0.02, "start_payload": None,
            "timezone": None, "reminder_minutes": None,
            "unreachable_at": (self.moment(joined, NOW - timedelta(days=1))
                               if rng.random() < 0.03 else None),
            "created_at": joined})
        self.pending[UserRole].append({
            "user_id": user_id, "role": role.value, "form": form, "school_id": school_id,
            "is_active": rng.random() >= 0.01,
            "confirmed_at": joined if rng.random() < 0.8 else None, "created_at": joined})
        pupil_grade = None if role.is_teacher else (
            rng.randint(5, 9) if role is Role.MENTEE_PUPIL else rng.randint(8, 11))
        self.pending[Profile].append({
            "user_id": user_id, "full_name": name, "school_id": school_id,
            "subjects": sorted(rng.sample(SUBJECTS, rng.randint(1, 2))) if role.is_teacher
            else None,
            "experience_years": experience, "mentee_category": category,
            "mentor_types": sorted(rng.sample(MENTOR_TYPES, rng.randint(1, 3)))
            if role is Role.MENTOR_TEACHER else None,
            "mentee_capacity": rng.randint(1, 3) if role.is_mentor else None,
            "grade": pupil_grade,
            "help_wanted": sorted(rng.sample(HELP, rng.randint(1, 2)))
            if role is Role.MENTEE_PUPIL else None,
            "help_offered": sorted(rng.sample(HELP, rng.randint(1, 2)))
            if role is Role.MENTOR_PUPIL else None,
            "updated_at": joined})
        return user_id, {"role": role, "form": form, "experience": experience,
                         "category": category, "joined": joined}

    # Questionnaires ----------------------------------------------------------------------------

    def responses(self, user_id: int, role: str, person: dict, mentors: list[int],
                  mentees: list[int]) -> None:
        rng = self.rng
        start = max(SINCE, person["joined"])
        autumn = SINCE + timedelta(days=80)
        if role == "mentee_teacher":
            if rng.random() < 0.95:
                scores = self.deficits(person["experience"])
                first = self.moment(start, SINCE + timedelta(days=60))
                # The profile's situation, which the diagnosis's burnout question is shown on.
                self.respond(user_id, role, "diagnosis_mentee", first,
                             {**scores, "category": person["category"]})
                if rng.random() < 0.55:
                    later = {area: min(3, max(0, score - (rng.random() < 0.45)
                                              + (rng.random() < 0.1)))
                             for area, score in scores.items()}
                    self.respond(user_id, role, "diagnosis_mentee",
                                 self.moment(autumn, NOW - timedelta(hours=2)),
                                 {**later, "category": person["category"]})
            if rng.random() < 0.7:
                self.respond(user_id, role, "preferences_mentee",
                             self.moment(start, SINCE + timedelta(days=60)),
                             choices={"preferred_mentors": mentors})
            if rng.random() < 0.85:
                self.respond(user_id, role, "satisfaction_mentee",
                             self.moment(autumn, NOW - timedelta(hours=2)))
        elif role == "mentor_teacher":
            if rng.random() < 0.95:
                strengths = {area: rng.choices(range(4), (1, 2, 4, 4))[0] for area in AREAS}
                self.respond(user_id, role, "diagnosis_mentor",
                             self.moment(start, SINCE + timedelta(days=60)), strengths)
            if rng.random() < 0.7:
                self.respond(user_id, role, "preferences_mentor",
                             self.moment(start, SINCE + timedelta(days=60)),
                             choices={"preferred_mentees": mentees})
            if rng.random() < 0.85:
                self.respond(user_id, role, "satisfaction_mentor",
                             self.moment(autumn, NOW - timedelta(hours=2)))
        elif rng.random() < 0.85:
            self.respond(user_id, role, "satisfaction_pupil",
                         self.moment(autumn, NOW - timedelta(hours=2)))

    def deficits(self, experience: int) -> dict[str, int]:
        weights = (1, 3, 4, 2) if experience <= 3 else (4, 4, 2, 1)
        return {area: self.rng.choices(range(4), weights)[0] for area in AREAS}

    def respond(self, user_id: int, role: str, code: str, completed: datetime,
                fixed: dict[str, Any] | None = None,
                choices: dict[str, list[int]] | None = None) -> None:
        """One response with its answers; about one in twenty-five is left unfinished."""
        rng = self.rng
        questionnaire = self.catalog.get(code)
        answers = self.answers(questionnaire, fixed or {}, choices or {})
        current = None
        if rng.random() < 0.04:
            ids = [q.id for q in questionnaire.questions]
            kept = rng.randint(1, len(answers) - 1)
            answers = dict(list(answers.items())[:kept])
            current = next(i for i in ids if i not in answers)
        started = completed - timedelta(minutes=rng.uniform(3, 40))
        response_id = self.next_id("response")
        self.pending[Response].append({
            "id": response_id, "user_id": user_id, "questionnaire_code": code,
            "questionnaire_version": questionnaire.version, "role": role,
            "current_question": current, "started_at": started, "updated_at": completed,
            "completed_at": None if current else completed})
        step = (completed - started) / (len(answers) + 1)
        for number, (question_id, value) in enumerate(answers.items(), 1):
            self.pending[Answer].append({
                "response_id": response_id, "question_id": question_id, "value": value,
                "skipped": value is None, "answered_at": started + step * number})

    def answers(self, questionnaire: Questionnaire, fixed: dict[str, Any],
                choices: dict[str, list[int]]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for question in questionnaire.questions:
            condition = question.show_if
            if condition is not None and not condition.holds(
                    found.get(condition.question) if condition.profile is None
                    else fixed.get(condition.profile)):
                continue
            if question.id in fixed:
                found[question.id] = fixed[question.id]
            elif question.optional and self.rng.random() < 0.5:
                found[question.id] = None
            else:
                found[question.id] = self.value(question, choices.get(question.id))
        return found

    def value(self, question: Question, people: list[int] | None) -> Any:
        rng = self.rng
        kind = question.type
        if kind is QuestionType.SCALE:
            if question.min == 1 and question.max == 10:
                return rng.choices(range(1, 11), SATISFACTION_SCALE)[0]
            return rng.randint(question.min, question.max)
        if kind is QuestionType.NUMBER:
            return rng.randint(question.min, question.max)
        if kind is QuestionType.YES_NO:
            return rng.random() < 0.85
        if kind is QuestionType.TEXT:
            return rng.choice(PHRASES)[:question.max_length]
        values = ([str(uid) for uid in people or ()] if question.options_from is not None
                  else [o.value for o in question.options])
        if not values:
            return None
        if kind is QuestionType.SINGLE:
            return rng.choice(values)
        most = min(question.max_choices or len(values), len(values))
        return rng.sample(values, rng.randint(min(max(question.min_choices, 1), most), most))

    # Pairs, plans and meetings -----------------------------------------------------------------

    def pairs(self, school_id: int, people: dict[str, list[tuple[int, dict]]]) -> None:
        rng = self.rng
        pools = {"teacher_teacher": ("mentor_teacher/teacher_teacher",
                                     "mentee_teacher/teacher_teacher"),
                 "teacher_pupil": ("mentor_teacher/teacher_pupil", "mentee_pupil/teacher_pupil"),
                 "pupil_pupil": ("mentor_pupil/pupil_pupil", "mentee_pupil/pupil_pupil")}
        made: list[tuple[int, str, date | None, date, int, list[int]]] = []
        for form, count in PAIRS.items():
            mentor_pool, mentee_pool = (list(people[key]) for key in pools[form])
            rng.shuffle(mentor_pool)
            rng.shuffle(mentee_pool)
            for index in range(count):
                size = min(rng.choices((1, 2, 3), (88, 8, 4))[0],
                           max(1, len(mentee_pool) - (count - index - 1)))
                group = [mentee_pool.pop() for _ in range(size)]
                mentor_id = mentor_pool.pop()[0]
                made.append(self.pair(school_id, form, mentor_id, group))
        eligible = [pair for pair in made if pair[2] is not None]
        weights = [0.3 if pair[1] == "cancelled" else 1.0 for pair in eligible]
        for pair in rng.choices(eligible, weights, k=MEETINGS):
            self.meeting(pair)

    def pair(self, school_id: int, form: str, mentor_id: int,
             group: list[tuple[int, dict]]) -> tuple[int, str, date | None, date, int, list[int]]:
        rng = self.rng
        pair_id = self.next_id("pair")
        status = rng.choices(("active", "completed", "cancelled", "proposed"), (80, 7, 6, 7))[0]
        proposed_at = self.moment(SINCE + timedelta(days=15), SINCE + timedelta(days=70))
        started = None if status == "proposed" else (
            proposed_at + timedelta(days=rng.randint(1, 7))).astimezone(ZONE).date()
        ended_at = None
        end = YEAR_END
        if status in ("completed", "cancelled"):
            ended_at = self.moment(datetime.combine(started + timedelta(days=20), clock_time(12),
                                                    tzinfo=ZONE), NOW - timedelta(days=1))
            end = ended_at.astimezone(ZONE).date()
        if form == "teacher_teacher":
            variant = VARIANT_BY_CATEGORY.get(group[0][1]["category"])
        else:
            variant = rng.choice(PUPIL_VARIANTS) if form == "pupil_pupil" else None
        self.pending[Pair].append({
            "id": pair_id, "school_id": school_id, "form": form, "variant": variant,
            "status": status, "started_on": started, "planned_end": YEAR_END,
            "ended_at": ended_at,
            "end_reason": "Переезд наставляемого" if status == "cancelled" else None,
            "order_number": f"П-{pair_id}" if started and rng.random() < 0.7 else None,
            "order_date": started, "created_by": None, "created_at": proposed_at,
            "chat_id": None})
        declined = status == "cancelled" and rng.random() < 0.5
        members = [(mentor_id, "mentor")] + [(uid, "mentee") for uid, _ in group]
        for number, (user_id, side) in enumerate(members):
            consent = None if status == "proposed" and side == "mentee" else "agreed"
            if declined and number == 1:
                consent = "declined"
            self.pending[PairMember].append({
                "pair_id": pair_id, "user_id": user_id, "side": side, "consent": consent,
                "consent_at": proposed_at + timedelta(hours=rng.randint(1, 72))
                if consent else None,
                "decline_reason": "Нет времени" if consent == "declined" else None})
        for position in range(1, rng.randint(3, 5) + 1):
            due = (started or proposed_at.date()) + timedelta(weeks=4 * position)
            by_area = rng.random() < 0.5 and form == "teacher_teacher"
            finished = due < NOW.date() and rng.random() < (0.8 if status == "completed" else 0.5)
            self.pending[PlanItem].append({
                "pair_id": pair_id, "position": position,
                "goal": "" if by_area else rng.choice(GOALS),
                "area": rng.choice(AREAS) if by_area else None, "due_on": due,
                "done_at": self.day_moment(due) if finished else None,
                "done_by": mentor_id if finished else None, "created_at": proposed_at})
        return (pair_id, status, started, end, mentor_id, [uid for uid, _ in group])

    def meeting(self, pair: tuple[int, str, date | None, date, int, list[int]]) -> None:
        rng = self.rng
        pair_id, _status, started, end, mentor_id, mentees = pair
        last = max(started, min(end, date(2026, 12, 15)))
        starts_at = self.day_moment(started + timedelta(days=rng.randint(0, (last - started).days)))
        past = starts_at < NOW
        status = (rng.choices(("accepted", "declined", "cancelled", "proposed"), (90, 4, 4, 2))[0]
                  if past else rng.choice(("accepted", "proposed")))
        held = None
        if past and status == "accepted":
            held = rng.choices((True, False, None), (75, 10, 15))[0]
        self.pending[Meeting].append({
            "id": self.next_id("meeting"), "pair_id": pair_id,
            "proposed_by": mentor_id if rng.random() < 0.7 else mentees[0],
            "starts_at": starts_at, "minutes": rng.choice((45, 60, 60, 90)),
            "place": rng.choice(PLACES), "topic": rng.choice(TOPICS), "model": rng.choice(MODELS),
            "status": status, "series_id": None, "repeat": "once", "held": held,
            "mentor_note": rng.choice(PHRASES) if held and rng.random() < 0.4 else None,
            "mentee_rating": rng.randint(3, 5) if held and rng.random() < 0.55 else None,
            "created_at": starts_at - timedelta(days=rng.randint(1, 10))})


async def write(app: App, region: Region) -> None:
    async with app.engine.begin() as connection:
        await connection.execute(insert(School), region.school_rows())
    for school_id in range(1, region.schools + 1):
        region.school(school_id)
        if len(region.pending[Answer]) >= FLUSH_AT or school_id == region.schools:
            async with app.engine.begin() as connection:
                for table in Region.TABLES:
                    rows = region.pending[table]
                    for start in range(0, len(rows), CHUNK):
                        await connection.execute(insert(table), rows[start:start + CHUNK])
                    rows.clear()
            print(f"  written {school_id}/{region.schools} schools", flush=True)
    # Bulk inserts go around the service, so the responses' rollup is written once at the end,
    # as each completion would have.
    async with app.sessionmaker.begin() as session:
        await scores.record_all(session)


async def counts(app: App) -> dict[str, int]:
    async with app.sessionmaker() as session:
        return {name: await session.scalar(select(func.count()).select_from(table))
                for name, table in (("users", User), ("answers", Answer), ("pairs", Pair),
                                    ("meetings", Meeting))}


# --- databases --------------------------------------------------------------------------------

async def ensure_pg_database() -> None:
    engine = create_async_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        found = await connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": PG_NAME})
        if not found:
            await connection.execute(text(f'CREATE DATABASE "{PG_NAME}"'))
    await engine.dispose()


async def prepare(url: str, size: float, reuse: bool) -> tuple[float | None, dict[str, int]]:
    """Build the dataset, or reuse the one there if `reuse` and complete; (build seconds or
    None, row counts)."""
    wanted = expected_rows(schools_for(size))
    postgres = url.startswith("postgresql")
    if postgres:
        # Only ever the benchmark's own database.
        assert make_url(url).database == PG_NAME
        await ensure_pg_database()
    app = build_app(settings_for(url))
    try:
        if reuse:
            try:
                found = await counts(app)
            except Exception:  # no tables yet
                found = {}
            if found and all(found[name] == wanted[name] for name in wanted):
                await app.prepare_database()
                return None, found
        started = time.perf_counter()
        if postgres:
            async with app.engine.begin() as connection:
                await connection.execute(text("DROP SCHEMA public CASCADE"))
                await connection.execute(text("CREATE SCHEMA public"))
        await app.prepare_database()
        await write(app, Region(app.surveys.catalog, schools_for(size)))
        # As the bot's next start would: on SQLite, prepare_database gathers the statistics
        # its planner needs (before the data was written there were none to gather).
        await app.prepare_database()
        if postgres:
            async with app.engine.begin() as connection:
                for table in ("schools", "users", "responses", "pairs", "meetings"):
                    await connection.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"))
            # What autovacuum would have done by the time a curator asks.
            async with app.engine.connect() as connection:
                connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
                await connection.execute(text("VACUUM ANALYZE"))
        return time.perf_counter() - started, await counts(app)
    finally:
        await app.close()


def build(url: str, size: float, keep: bool) -> tuple[float | None, dict[str, int]]:
    """SQLite's file is reused only if marked complete; otherwise it is started afresh."""
    if url.startswith("postgresql"):
        return asyncio.run(prepare(url, size, keep))
    path = make_url(url).database
    mark = Path(path + ".done")
    reuse = keep and mark.exists()
    if not reuse:
        for suffix in ("", "-wal", "-shm", ".done"):
            Path(path + suffix).unlink(missing_ok=True)
    built, found = asyncio.run(prepare(url, size, reuse))
    mark.write_text(json.dumps(found))
    return built, found


# --- the bare aggregate SQL -------------------------------------------------------------------

def bare_queries(dialect: str, serving: Purposes) -> dict[str, Any]:
    """The hand-written queries behind the figures of /summary for the whole region."""
    if dialect == "postgresql":
        is_int, as_int = "jsonb_typeof(a.value) = 'number'", "(a.value)::int"
    else:
        is_int, as_int = "json_type(a.value) = 'integer'", "CAST(a.value AS INTEGER)"
    satisfaction = ", ".join(f"'{code}'" for code in serving.satisfaction)
    areas = ", ".join(f"'{area}'" for area in AREAS)
    diagnosed = f"""
        SELECT r.id, r.user_id,
               ROW_NUMBER() OVER (PARTITION BY r.user_id ORDER BY r.completed_at, r.id) AS first_n,
               ROW_NUMBER() OVER (PARTITION BY r.user_id
                                  ORDER BY r.completed_at DESC, r.id DESC) AS last_n
        FROM responses r
        WHERE r.questionnaire_code = '{serving.deficits}' AND r.completed_at IS NOT NULL
          AND r.completed_at < :until
          AND r.user_id IN (SELECT user_id FROM user_roles
                            WHERE role = 'mentee_teacher' AND is_active = :yes)"""
    queries = {
        "roles": """
            SELECT ur.role, count(*) FROM user_roles ur
            JOIN profiles p ON p.user_id = ur.user_id
            WHERE ur.is_active = :yes GROUP BY ur.role""",
        "pairs": "SELECT status, form, count(*) FROM pairs GROUP BY status, form",
        "completion": """
            SELECT code, count(*), sum(CASE WHEN last_done >= :since THEN 1 ELSE 0 END)
            FROM (SELECT r.questionnaire_code AS code, r.user_id,
                         max(r.completed_at) AS last_done
                  FROM responses r
                  WHERE r.started_at < :until AND EXISTS (
                      SELECT 1 FROM user_roles ur WHERE ur.user_id = r.user_id
                      AND ur.role = r.role AND ur.is_active = :yes)
                  GROUP BY r.questionnaire_code, r.user_id) latest
            GROUP BY code""",
        "satisfaction": f"""
            SELECT r.questionnaire_code, a.question_id, avg({as_int}),
                   sum(CASE WHEN {as_int} >= {reports.HIGH_SCORE} THEN 1 ELSE 0 END), count(*)
            FROM answers a JOIN responses r ON r.id = a.response_id
            WHERE r.questionnaire_code IN ({satisfaction})
              AND r.completed_at >= :since AND r.completed_at < :until AND {is_int}
              AND r.user_id IN (SELECT user_id FROM user_roles WHERE is_active = :yes)
            GROUP BY r.questionnaire_code, a.question_id""",
        "deficits": f"""
            WITH d AS ({diagnosed})
            SELECT a.question_id, sum(CASE WHEN {as_int} >= {WEAK_FROM} THEN 1 ELSE 0 END),
                   count(*)
            FROM d JOIN answers a ON a.response_id = d.id
            WHERE d.last_n = 1 AND a.question_id IN ({areas})
            GROUP BY a.question_id""",
        "meetings_held": """
            SELECT count(*) FROM meetings m JOIN pairs p ON p.id = m.pair_id
            WHERE m.status = 'accepted' AND m.held = :yes
              AND m.starts_at >= :since AND m.starts_at < :upto""",
        "unreachable": """
            SELECT count(DISTINCT u.id) FROM users u JOIN user_roles ur ON ur.user_id = u.id
            WHERE u.unreachable_at IS NOT NULL AND ur.is_active = :yes""",
        "kpi_people": f"""
            WITH in_pairs AS (
                -- Pairs of the period, but not one refused before it started.
                SELECT DISTINCT pm.user_id FROM pair_members pm JOIN pairs p ON p.id = pm.pair_id
                WHERE p.created_at < :until AND (p.ended_at IS NULL OR p.ended_at >= :since)
                  AND NOT (p.status = 'cancelled' AND p.ended_at < :until
                           AND p.started_on IS NULL)
                  AND (pm.consent IS NULL OR pm.consent <> 'declined'))
            SELECT
              sum(CASE WHEN young THEN 1 ELSE 0 END),
              sum(CASE WHEN young AND paired THEN 1 ELSE 0 END),
              sum(CASE WHEN young AND paired AND active THEN 1 ELSE 0 END),
              sum(CASE WHEN teacher THEN 1 ELSE 0 END),
              sum(CASE WHEN teacher AND paired THEN 1 ELSE 0 END)
            FROM (SELECT ur.role = 'mentee_teacher'
                         AND p.experience_years <= {reports.YOUNG_YEARS} AS young,
                         ur.role IN ('mentor_teacher', 'mentee_teacher') AS teacher,
                         ip.user_id IS NOT NULL AS paired,
                         (u.is_active = :yes OR u.erased_at >= :until)
                         AND (u.unreachable_at IS NULL OR u.unreachable_at >= :until) AS active
                  FROM user_roles ur JOIN profiles p ON p.user_id = ur.user_id
                  JOIN users u ON u.id = ur.user_id
                  LEFT JOIN in_pairs ip ON ip.user_id = ur.user_id
                  WHERE ur.created_at < :until
                    AND (ur.is_active = :yes OR u.erased_at >= :since)) people""",
        "kpi_improved": f"""
            WITH d AS ({diagnosed})
            SELECT count(*), sum(CASE WHEN last_total < first_total THEN 1 ELSE 0 END)
            FROM (SELECT d.user_id,
                         sum(CASE WHEN d.first_n = 1 THEN {as_int} END) AS first_total,
                         sum(CASE WHEN d.last_n = 1 THEN {as_int} END) AS last_total
                  FROM d JOIN answers a ON a.response_id = d.id
                  WHERE (d.first_n = 1 OR d.last_n = 1) AND a.question_id IN ({areas})
                  GROUP BY d.user_id HAVING count(DISTINCT d.id) > 1) per_mentee""",
    }
    params = [bindparam("since", type_=UtcDateTime), bindparam("until", type_=UtcDateTime),
              bindparam("upto", type_=UtcDateTime), bindparam("yes")]
    return {name: (text(sql).bindparams(*(p for p in params if f":{p.key}" in sql)),
                   [p.key for p in params if f":{p.key}" in sql])
            for name, sql in queries.items()}


async def run_bare(app: App, queries: dict[str, Any], timings: dict[str, float] | None = None
                   ) -> dict[str, list]:
    values = {"since": SINCE, "until": UNTIL, "upto": min(UNTIL, NOW), "yes": True}
    results = {}
    async with app.sessionmaker() as session:
        for name, (query, keys) in queries.items():
            started = time.perf_counter()
            wanted = {key: values[key] for key in keys}
            results[name] = [tuple(row) for row in await session.execute(query, wanted)]
            if timings is not None:
                timings[name] = time.perf_counter() - started
    return results


def compare(summary: figures.Summary, bare: dict[str, list],
            questionnaires: list[tuple[str, set]]) -> list[str]:
    """Where the bare SQL's figures differ from summarize's (empty: they agree)."""
    differences = []

    def check(name: str, ours: Any, theirs: Any) -> None:
        if ours != theirs:
            differences.append(f"{name}: summarize {ours!r} != bare {theirs!r}")

    roles = Counter({role: count for role, count in bare["roles"]})
    check("roles", summary.roles, roles)
    check("pairs", summary.pairs, Counter({(s, f): n for s, f, n in bare["pairs"]}))
    began = {code: (count, done) for code, count, done in bare["completion"]}
    for code, audience in questionnaires:
        concerned = sum(roles[role.value] for role in audience)
        if not concerned:
            continue
        count, done = began.get(code, (0, 0))
        check(f"completion {code}", summary.completion.get(code),
              Counter(done=done, started=count - done, not_started=concerned - count))
    for code, item, average, high, count in bare["satisfaction"]:
        ours = summary.satisfaction.get(code, {}).get(item)
        theirs = (round(float(average), 1), round(100 * high / count, 1), count)
        if ours is None or ours[2] != count or abs(ours[0] - theirs[0]) > 0.051 \
                or abs(ours[1] - theirs[1]) > 0.051:
            check(f"satisfaction {code}.{item}", ours, theirs)
    weak = {area: (count, total) for area, count, total in bare["deficits"]}
    total = max((t for _, t in weak.values()), default=0)
    shares = sorted(((a, round(100 * weak.get(a, (0, 0))[0] / total, 1)) for a in AREAS),
                    key=lambda share: -share[1]) if total else []
    check("deficits", summary.deficits, [s for s in shares if s[1] > 0][:5])
    check("meetings_held", summary.meetings_held, bare["meetings_held"][0][0])
    check("unreachable", summary.unreachable, bare["unreachable"][0][0])
    young, young_in, retained, teachers, teachers_in = bare["kpi_people"][0]
    rediagnosed, improved = bare["kpi_improved"][0]
    check("kpis", [(k.done, k.total) for k in summary.kpis],
          [(young_in, young), (teachers_in, teachers), (retained, young_in),
           (improved or 0, rediagnosed)])
    return differences


# --- measuring --------------------------------------------------------------------------------

async def timed(action: Callable[[], Awaitable[Any]], runs: int) -> tuple[float, Any]:
    """Median seconds of `runs` calls after one warm-up, and the last result."""
    result = await action()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = await action()
        times.append(time.perf_counter() - started)
    return median_of(times), result


async def summary_parts(app: App, scope: reports.Scope,
                        questionnaires: list[tuple[str, set]]) -> dict[str, float]:
    """Seconds of the public steps of summarize, run one by one, and the rest of one whole
    summarize (pairs, unreachable people) as the difference."""
    parts: dict[str, float] = {}
    async with app.sessionmaker() as session:
        async def step(name: str, action: Awaitable[Any]) -> Any:
            started = time.perf_counter()
            result = await action
            parts[name] = parts.get(name, 0.0) + time.perf_counter() - started
            return result

        await step("roles", figures.roles(session, scope))
        await step("completion", figures.completion(session, scope, questionnaires))
        await step("satisfaction", figures.satisfaction(session, scope))
        await step("diagnoses", figures.diagnoses(session, scope))
        await step("KPI people", figures.kpi_people(session, scope))
        held = reports.held_meetings(scope, NOW).subquery()
        await step("meetings held", session.scalar(select(func.count()).select_from(held)))
    async with app.sessionmaker() as session:
        started = time.perf_counter()
        await figures.summarize(session, scope, questionnaires, NOW)
        whole = time.perf_counter() - started
    parts["rest (pairs, unreachable)"] = max(0.0, whole - sum(parts.values()))
    return parts


async def measure(url: str, runs: int) -> dict[str, Any]:
    app = build_app(settings_for(url))
    try:
        catalog = app.surveys.catalog
        questionnaires = [(q.id, set(q.audience.roles)) for q in catalog]
        region = reports.Scope(None, None, SINCE, UNTIL)
        async with app.sessionmaker() as session:
            school_id = await session.scalar(select(func.min(School.id)))
        school = reports.Scope((school_id,), None, SINCE, UNTIL)

        async def summarize(scope: reports.Scope) -> figures.Summary:
            async with app.sessionmaker() as session:
                return await figures.summarize(session, scope, questionnaires, NOW)

        region_s, summary = await timed(lambda: summarize(region), runs)
        school_s, _ = await timed(lambda: summarize(school), runs)
        queries = bare_queries(app.engine.dialect.name, app.surveys.catalog.purposes)
        bare_s, bare = await timed(lambda: run_bare(app, queries), runs)
        bare_parts: dict[str, float] = {}
        await run_bare(app, queries, bare_parts)
        await summary_parts(app, region, questionnaires)
        parts = await summary_parts(app, region, questionnaires)
        return {"summary_region": region_s, "summary_school": school_s, "bare": bare_s,
                "bare_parts": bare_parts, "summary_parts": parts,
                "differences": compare(summary, bare, questionnaires),
                "version": await version(app)}
    finally:
        await app.close()


async def version(app: App) -> str:
    async with app.sessionmaker() as session:
        if app.engine.dialect.name == "sqlite":
            return "SQLite " + await session.scalar(text("SELECT sqlite_version()"))
        return "PostgreSQL " + (await session.scalar(text("SHOW server_version"))).split()[0]


def run_export_child(url: str, runs: int, traced: bool, writer: str) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.desk", "--export-child", url, "--runs", str(runs),
               "--writers", writer]
    if traced:
        command.append("--traced")
    done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True,
                          check=False)
    if done.returncode:
        raise RuntimeError(f"export child failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def status_mb(field: str) -> float:
    """A size from /proc/self/status (VmRSS: resident now, VmHWM: its peak), MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class ChildrenRss(threading.Thread):
    """The largest resident size of this process's children (a split export's second
    process), sampled every 50 ms from /proc: their ru_maxrss would start at this process's
    own peak, which Linux carries over exec."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_kb = 0
        self.stopping = threading.Event()
        self.start()

    def run(self) -> None:
        while not self.stopping.wait(0.05):
            for tasks in Path("/proc/self/task").glob("*/children"):
                for pid in tasks.read_text().split():
                    try:
                        status = Path(f"/proc/{pid}/status").read_text()
                    except OSError:
                        continue
                    for line in status.splitlines():
                        if line.startswith("VmRSS:"):
                            self.peak_kb = max(self.peak_kb, int(line.split()[1]))

    def stop(self) -> float:
        self.stopping.set()
        self.join()
        return self.peak_kb / 1024


def export_child(url: str, runs: int, traced: bool, writer: str) -> None:
    """Export the region as XLSX with `writer` (1 warm-up + runs, or one traced run); print
    JSON figures.

    ru_maxrss of a process started from a large one begins at the parent's high-water mark
    (Linux carries it over exec), so the peak is also read as VmHWM after resetting it once the
    imports are done: that is this process's own peak during the exports.
    """
    if writer == "openpyxl":
        # The candidate stands in for the export's own writer in this child process only.
        from bench.openpyxl_writer import OpenpyxlWriter
        export.XlsxWriter = OpenpyxlWriter
    with asyncio.Runner() as runner:
        app = build_app(settings_for(url))
        runner.run(app.i18n_core.startup())
        core = app.i18n_core

        def label(key: str, **params: Any) -> str:
            return core.get(key, "ru", **params)

        # As the bot's /export does: a region's export is split between two processes, unless
        # measured as one ("single").
        helper = None if writer in ("single", "openpyxl") else export.helper_for(
            url, PlainLabels(str(core.path), "ru"))

        async def once(target) -> int:
            async with app.sessionmaker() as session:
                return await export.export(
                    session, reports.Scope(None, None, SINCE, UNTIL), app.surveys.catalog,
                    label, "ru", ZONE, "xlsx", target, now=NOW, profile=app.profiles.form,
                    helper=helper)

        maxrss_before, baseline = maxrss_mb(), status_mb("VmRSS")
        children = ChildrenRss()
        try:
            Path("/proc/self/clear_refs").write_text("5")
            reset = True
        except OSError:
            reset = False
        times, size, rows, traced_peak = [], 0, 0, None
        for number in range(1 if traced else runs + 1):
            with tempfile.TemporaryFile(suffix=".xlsx") as target:
                if traced:
                    tracemalloc.start()
                started = time.perf_counter()
                rows = runner.run(once(target))
                elapsed = time.perf_counter() - started
                if traced:
                    traced_peak = tracemalloc.get_traced_memory()[1] / 2**20
                    tracemalloc.stop()
                size = target.tell()
            if traced or number:
                times.append(elapsed)
        peak = status_mb("VmHWM") if reset else maxrss_mb()
        maxrss_after = maxrss_mb()
        runner.run(app.close())
    second_peak = children.stop()
    print(json.dumps({"seconds": median_of(times), "bytes": size, "rows": rows,
                      "second_peak_mb": second_peak,
                      "baseline_mb": baseline, "peak_mb": peak, "hwm_reset": reset,
                      "maxrss_before_mb": maxrss_before, "maxrss_after_mb": maxrss_after,
                      "traced_peak_mb": traced_peak}))


# --- the whole run ----------------------------------------------------------------------------

def bench_database(name: str, url: str, size: float, keep: bool, runs: int,
                   trace: bool, writers: list[str]) -> dict[str, Any]:
    print(f"\n== {name}: {url}", flush=True)
    build_s, rows = build(url, size, keep)
    print(f"built in {build_s:.1f} s" if build_s is not None else "reused (--keep)",
          "; rows:", ", ".join(f"{k} {v:,}" for k, v in rows.items()), flush=True)
    figures = asyncio.run(measure(url, runs))
    print(f"{figures['version']}")
    print(f"summarize region {figures['summary_region']:.2f} s, one school "
          f"{figures['summary_school']:.3f} s; bare SQL region {figures['bare']:.2f} s "
          f"(ratio {figures['summary_region'] / figures['bare']:.1f})")
    print("  summarize by step (one warm run): " + ", ".join(
        f"{k} {v:.2f}" for k, v in figures["summary_parts"].items()))
    print("  bare SQL by query (one warm run each): " + ", ".join(
        f"{k} {v:.2f}" for k, v in figures["bare_parts"].items()))
    print("  bare SQL and summarize agree" if not figures["differences"] else
          "  DIFFERENCES:\n    " + "\n    ".join(figures["differences"]))
    exports = {}
    for writer in writers:
        print(f"export with {writer} (child process) ...", flush=True)
        exported = exports[writer] = run_export_child(url, runs, False, writer)
        print(f"export XLSX region ({writer}): {exported['seconds']:.1f} s, "
              f"{exported['rows']:,} rows, {exported['bytes'] / 2**20:.1f} MB", flush=True)
        print(f"  child RSS: {exported['baseline_mb']:.0f} MB after imports, peak "
              f"{exported['peak_mb']:.0f} MB during the exports "
              f"({'VmHWM' if exported['hwm_reset'] else 'ru_maxrss'}): the export adds "
              f"{exported['peak_mb'] - exported['baseline_mb']:.0f} MB; ru_maxrss before "
              f"{exported['maxrss_before_mb']:.0f} MB, after "
              f"{exported['maxrss_after_mb']:.0f} MB (before = at least the parent's peak, "
              f"inherited over exec)", flush=True)
        if exported["second_peak_mb"]:
            print(f"  its second process (half of the sheets): peak RSS "
                  f"{exported['second_peak_mb']:.0f} MB", flush=True)
        if trace:
            traced = run_export_child(url, runs, True, writer)
            print(f"  tracemalloc peak of Python allocations during the export: "
                  f"{traced['traced_peak_mb']:.1f} MB (traced run {traced['seconds']:.1f} s)",
                  flush=True)
    if len(exports) > 1:
        first, *others = writers
        print("  export time against " + first + ": " + ", ".join(
            f"{w} {exports[w]['seconds'] / exports[first]['seconds']:.2f}x" for w in others))
    exported = exports[writers[-1]]
    return {"name": name, "build": build_s, "rows": rows, **figures, "export": exported}


def table(results: list[dict[str, Any]]) -> None:
    head = ("database", "build s", "users", "answers", "pairs", "meetings", "sum region s",
            "sum school s", "bare SQL s", "ratio", "export s", "export MB", "peak RSS MB")
    lines = []
    for r in results:
        e = r["export"]
        lines.append((r["name"], "reused" if r["build"] is None else f"{r['build']:.0f}",
                      *(f"{r['rows'][k]:,}" for k in ("users", "answers", "pairs", "meetings")),
                      f"{r['summary_region']:.2f}", f"{r['summary_school']:.3f}",
                      f"{r['bare']:.2f}", f"{r['summary_region'] / r['bare']:.1f}",
                      f"{e['seconds']:.1f}", f"{e['bytes'] / 2**20:.1f}", f"{e['peak_mb']:.0f}"))
    if len(results) == 2:
        lite, pg = results

        def ratio(get: Callable[[dict], float | None]) -> str:
            a, b = get(lite), get(pg)
            return f"{b / a:.2f}" if a and b else ""

        lines.append(("PG/SQLite", ratio(lambda r: r["build"]), "", "", "", "",
                      ratio(lambda r: r["summary_region"]), ratio(lambda r: r["summary_school"]),
                      ratio(lambda r: r["bare"]), "", ratio(lambda r: r["export"]["seconds"]),
                      "", ratio(lambda r: r["export"]["peak_mb"])))
    widths = [max(len(str(row[i])) for row in (head, *lines)) for i in range(len(head))]
    print()
    for row in (head, *lines):
        print("  ".join(str(cell).rjust(width) for cell, width in zip(row, widths, strict=True)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=float, default=1.0,
                        help="scale of the region: 1.0 = 200 schools, 100,000 participants")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--keep", action="store_true",
                        help="reuse the database built before for this size if complete")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also trace the export's Python allocations (one slow extra run)")
    parser.add_argument("--runs", type=int, default=RUNS, help=argparse.SUPPRESS)
    parser.add_argument("--export-child", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--writers", default="single,xlsxwriter",
                        help="XLSX writers to measure, in order, comma-separated: xlsxwriter "
                             "(the export's own, split between two processes as the bot runs "
                             "it), single (the same in one process) and openpyxl (the one it "
                             "replaced); the table shows the last")
    args = parser.parse_args()
    if args.export_child:
        export_child(args.export_child, args.runs, args.traced, args.writers)
        return
    targets = []
    if args.db in ("sqlite", "both"):
        targets.append(("SQLite", f"sqlite+aiosqlite:///{SQLITE_PATH.format(size=args.size)}"))
    if args.db in ("postgres", "both"):
        targets.append(("PostgreSQL", PG_URL))
    print(f"region: {schools_for(args.size)} schools (size {args.size:g}); period "
          f"{SINCE:%Y-%m-%d}..{UNTIL - timedelta(days=1):%Y-%m-%d} Europe/Moscow, now {NOW}")
    writers = args.writers.split(",")
    assert set(writers) <= {"xlsxwriter", "single", "openpyxl"}, writers
    results = [bench_database(name, url, args.size, args.keep, args.runs, args.tracemalloc,
                              writers) for name, url in targets]
    table(results)
    print(f"\nmachine: {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{', '.join(r['version'] for r in results)}; every figure above comes from this one "
          f"run of the script (median of {args.runs} after a warm-up; peak RSS: the export's "
          f"child process).")


if __name__ == "__main__":
    main()
