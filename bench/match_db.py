"""/match as the curator runs it: the bases loaded from the database, then the suggestions.

    .venv/bin/python -m bench.match_db      # SQLite in a temporary folder
    BENCH_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/test \
        .venv/bin/python -m bench.match_db

The same synthetic schools as bench.match (500 mentees and 150 mentors each, with diagnosis
answers and preferences) are written to a fresh database; the script prints, for one school and
for a region of 40 schools matched school by school, the time to load the bases, the time to
compute the suggestions, and the load as a ratio of the matching, all measured in this run.
PostgreSQL's database is emptied first: point it at a scratch database only.
"""

from __future__ import annotations

import asyncio
import os
import random
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, select

from bench.match import MENTEES_PER_SCHOOL, MENTORS_PER_SCHOOL, SCHOOLS, SEED, school
from bot.config import PROJECT_ROOT, load_settings
from bot.factory import build_app
from domain.roles import Form
from models import Answer, Profile, Response, School, User, UserRole
from tests.conftest import reset_server_database

TOKEN = "4200:BENCH-token-for-the-database-benchmark"


async def seed(app, region) -> list[int]:
    """Write every school's people, roles, profiles and diagnosis answers; return school ids."""
    now = datetime.now(UTC)
    school_ids = []
    async with app.sessionmaker() as session:
        for number, (mentees, mentors) in enumerate(region):
            school_row = School(name=f"Школа {number}", normalized_name=f"школа {number}")
            session.add(school_row)
            await session.flush()
            school_ids.append(school_row.id)
            people = [(m.id, "mentee_teacher", m, None) for m in mentees] + \
                     [(m.id, "mentor_teacher", m, m.free_slots) for m in mentors]
            await session.execute(insert(User), [
                {"id": i, "telegram_id": i, "locale": "ru", "consent_at": now, "is_active": True,
                 "created_at": now} for i, *_ in people])
            await session.execute(insert(UserRole), [
                {"user_id": i, "role": role, "form": "teacher_teacher", "school_id": school_row.id,
                 "is_active": True, "confirmed_at": now, "created_at": now}
                for i, role, *_ in people])
            await session.execute(insert(Profile), [
                {"user_id": i, "full_name": f"Участник {i}", "school_id": school_row.id,
                 "subjects": sorted(p.subjects), "mentee_capacity": slots,
                 "mentor_types": sorted(getattr(p, "mentor_types", ())) or None,
                 "updated_at": now} for i, _, p, slots in people])
            responses = [
                {"id": i, "user_id": i, "questionnaire_code": code,
                 "questionnaire_version": app.surveys.catalog.get(code).version, "role": role,
                 "started_at": now, "updated_at": now, "completed_at": now}
                for i, role, _, _ in people
                for code in (("diagnosis_mentee",) if role == "mentee_teacher"
                             else ("diagnosis_mentor",))]
            await session.execute(insert(Response), responses)
            await session.execute(insert(Answer), [
                {"response_id": i, "question_id": area, "value": level, "skipped": False,
                 "answered_at": now}
                for i, _, p, _ in people
                for area, level in (p.deficits if hasattr(p, "deficits") else p.strengths).items()])
            await session.commit()
    return school_ids


async def measure(app, school_ids: list[int]) -> tuple[float, float, int]:
    """Seconds loading the bases, seconds matching, pairs suggested."""
    from services import pairing

    loading = matching = 0.0
    suggested = 0
    for school_id in school_ids:
        async with app.sessionmaker() as session:
            started = time.perf_counter()
            mentees, mentors, _ = await pairing.bases(session, school_id)
            loaded = time.perf_counter()
            suggested += len(pairing.suggest(session, Form.TEACHER_TEACHER, None, mentees,
                                             mentors))
            loading += loaded - started
            matching += time.perf_counter() - loaded
    return loading, matching, suggested


async def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL")
    with tempfile.TemporaryDirectory() as folder:
        url = url or f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
        settings = load_settings(_env_file=None, bot_token=TOKEN, redis_url="", database_url=url,
                                 content_dir=PROJECT_ROOT / "content")
        if not url.startswith("sqlite"):
            await reset_server_database(url)
        app = build_app(settings)
        await app.prepare_database()
        rng = random.Random(SEED)
        region = [school(rng, 1 + n * MENTEES_PER_SCHOOL, 1_000_000 + n * MENTORS_PER_SCHOOL)
                  for n in range(SCHOOLS)]
        started = time.perf_counter()
        school_ids = await seed(app, region)
        async with app.sessionmaker() as session:
            answers = len((await session.scalars(select(Answer.id))).all())
        print(f"database: {app.engine.dialect.name}; seeded {SCHOOLS} schools, "
              f"{answers} answers in {time.perf_counter() - started:.1f} s")
        for name, ids in (("school", school_ids[:1]), ("region", school_ids)):
            loading, matching, suggested = await measure(app, ids)
            print(f"{name}: {len(ids)} school(s), {suggested} pairs suggested; "
                  f"load {loading:.2f} s + match {matching:.2f} s = {loading + matching:.2f} s "
                  f"(load/match = {loading / matching:.1f})")
        await app.close()


if __name__ == "__main__":
    asyncio.run(main())
