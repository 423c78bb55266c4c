"""Reusable conversations for the tests: registering people through the real bot."""

from __future__ import annotations

from sqlalchemy import func, select

from models import User
from tests.telegram import Person

TEACHER_MENTEE = {"role": "Наставляемый (педагог)", "name": "Иванова Анна Сергеевна",
                  "school": "МОУ СОШ №1", "subjects": ["Математика", "Физика"],
                  "experience": "2", "category": "Молодой специалист"}
TEACHER_MENTOR = {"role": "Наставник (педагог)", "name": "Петров Пётр Петрович",
                  "school": "МОУ СОШ №1", "subjects": ["Математика"], "experience": "25",
                  "mentor_types": ["Консультант", "Предметник"], "capacity": "2"}
PUPIL_MENTEE = {"role": "Ученик-наставляемый", "name": "Сидоров Коля", "school": "МОУ СОШ №1",
                "grade": "7", "help": ["Учёба"]}
PUPIL_MENTOR = {"role": "Ученик-наставник", "name": "Кузнецова Маша", "school": "МОУ СОШ №1",
                "grade": "10", "capacity": "1", "help": ["Проекты"]}


async def consent(person: Person, payload: str | None = None) -> None:
    await person.send("/start" + (f" {payload}" if payload else ""))
    await person.press("Согласен")


async def begin_profile(person: Person, *typed: str, role: str = "Наставляемый (педагог)") -> None:
    """Consent, pick a role, and type the first profile answers (name, school, …)."""
    await consent(person)
    await person.press(role)
    for text in typed:
        await person.send(text)


async def fill_profile(person: Person, profile: dict) -> None:
    await person.press(profile["role"])
    await person.send(profile["name"])
    await person.send(profile["school"])
    for subject in profile.get("subjects", []):
        await person.press(subject)
    if "subjects" in profile:
        await person.press("Готово")
    if "experience" in profile:
        await person.send(profile["experience"])
    if "category" in profile:
        await person.press(profile["category"])
    for kind in profile.get("mentor_types", []):
        await person.press(kind)
    if "mentor_types" in profile:
        await person.press("Готово")
    if "capacity" in profile:
        await person.press(profile["capacity"])
    if "grade" in profile:
        await person.press(profile["grade"])
    for topic in profile.get("help", []):
        await person.press(topic)
    if "help" in profile:
        await person.press("Готово")


async def register(person: Person, profile: dict) -> None:
    await consent(person)
    await fill_profile(person, profile)
    assert "Профиль заполнен" in "\n".join(m.text for m in person.messages()[-3:])


async def user_count(session) -> int:
    return await session.scalar(select(func.count(User.id)))


async def stored_user(session, telegram_id: int) -> User | None:
    return await session.scalar(select(User).where(User.telegram_id == telegram_id))
