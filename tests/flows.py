"""Reusable conversations for the tests: registering people through the real bot."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from bot.config import PROJECT_ROOT
from domain.questionnaire import Catalog
from models import Pair, User
from services.people import school_named
from tests.conftest import CURATOR_ID
from tests.telegram import Person, texts

SCHOOL = "МОУ СОШ №1"
# The shipped questionnaires, and the version each is at, which a running app records (for rows
# written directly).
SHIPPED = Catalog.from_directory(PROJECT_ROOT / "content" / "questionnaires")
VERSIONS = {q.id: q.version for q in SHIPPED}

TEACHER_MENTEE = {"role": "Наставляемый (педагог)", "name": "Иванова Анна Сергеевна",
                  "school": "МОУ СОШ №1", "subjects": ["Математика", "Физика"],
                  "experience": "2", "category": "Молодой специалист"}
TEACHER_MENTOR = {"role": "Наставник (педагог)", "name": "Петров Пётр Петрович",
                  "school": "МОУ СОШ №1", "subjects": ["Математика"], "experience": "25",
                  "mentor_types": ["Консультант", "Предметник"], "capacity": "2",
                "position": None, "competences": None}
PUPIL_MENTEE = {"role": "Ученик-наставляемый", "name": "Сидоров Коля", "school": "МОУ СОШ №1",
                "grade": "7", "help": ["Учёба"], "parent": None}
PUPIL_MENTOR = {"role": "Ученик-наставник", "name": "Кузнецова Маша", "school": "МОУ СОШ №1",
                "grade": "10", "capacity": "1", "help": ["Проекты"], "parent": None}


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
    """The profile's answers; a role, name or school left out is one the bot knows already."""
    if "role" in profile:
        await person.press(profile["role"])
    if "name" in profile:
        await person.send(profile["name"])
    if "school" in profile:
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
    # The optional typed questions: None presses «Пропустить».
    for key in ("parent", "position", "competences"):
        if key in profile:
            if profile[key] is None:
                await person.press("Пропустить")
            else:
                await person.send(profile[key])


async def register(person: Person, profile: dict) -> None:
    await consent(person)
    await fill_profile(person, profile)
    assert "Профиль заполнен" in "\n".join(m.text for m in person.messages()[-3:])


async def user_count(session) -> int:
    return await session.scalar(select(func.count(User.id)))


async def stored_user(session, telegram_id: int) -> User | None:
    return await session.scalar(select(User).where(User.telegram_id == telegram_id))

async def register_curator(running, user_id=CURATOR_ID, school=SCHOOL):
    """The regional curator (CURATOR_IDS), in a region where `school` exists already (as if a
    teacher had typed it)."""
    async with running.session() as session:
        await school_named(session, school)
        await session.commit()
    curator = running.person(user_id)
    await consent(curator)
    # A curator is asked no programme role and no school, only a name.
    assert "фамилия, имя и отчество" in curator.last.text
    await curator.send("Куратор Мария Ивановна")
    assert any("Профиль заполнен" in m.text for m in curator.messages()[-3:])
    return curator

async def make_invite(curator, role_label="Наставляемый (педагог)") -> tuple[str, str]:
    await curator.send("/invites")
    said = texts(await curator.press(role_label))
    text = next(t for t in said if "Приглашение:" in t)
    link = re.search(r"https://t\.me/mentoring_test_bot\?start=(i_[A-Z0-9]+)", text).group(1)
    code = re.search(r"<code>([A-Z0-9]{4}-[A-Z0-9]{4})</code>", text).group(1)
    return link, code

async def join(running, curator, person, profile, role_label):
    _, code = await make_invite(curator, role_label)
    await register(person, profile)
    await person.send(f"/join {code}")

async def diagnose(person, scores, title="Диагностика"):
    await person.press(f"Начать: {title}")
    for score in scores:
        await person.press(str(score))
    if person.last.buttons() and "Пропустить" in str(person.last.buttons()):
        await person.press("Пропустить")
    else:  # the mentee's situation is the profile's answer: not asked again
        await person.send("Помощь с уроками")

async def rediagnose(person, scores):
    """The mentee takes the deficit diagnosis again (as at the end of the year)."""
    await person.send("/surveys")
    await person.press("Пройти заново: Диагностика")
    for score in scores:
        await person.press(str(score))
    await person.send("Уже лучше")


async def school_with_pair_candidates(running, mentors=1, mentees=1, capacity="2"):
    curator = await register_curator(running)
    mentor_people, mentee_people = [], []
    for index in range(mentors):
        person = running.person(100 + index)
        await join(running, curator, person, {**TEACHER_MENTOR, "capacity": capacity,
                                              "name": f"Наставник {index}"},
                   "Наставник (педагог)")
        await diagnose(person, [3, 3, 3, 3, 0, 0, 0, 0], "Диагностика: сильные")
        mentor_people.append(person)
    for index in range(mentees):
        person = running.person(200 + index)
        await join(running, curator, person, {**TEACHER_MENTEE, "name": f"Наставляемая {index}"},
                   "Наставляемый (педагог)")
        await diagnose(person, [3, 2, 0, 0, 0, 0, 0, 3])
        mentee_people.append(person)
    return curator, mentor_people, mentee_people

async def the_pair(running) -> Pair:
    async with running.session() as session:
        return await session.scalar(select(Pair))

async def active_pair(running):
    curator, (petr,), (anna,) = await school_with_pair_candidates(running)
    await curator.send("/match")
    await curator.press("Принять")
    await anna.press("Согласен")
    await petr.press("Согласен")
    return curator, petr, anna


async def reassign(curator, title: str, mentee: str) -> None:
    """«Переназначить» on the pair `title` in /pairs, confirmed, then «Подобрать наставника»."""
    await curator.send("/pairs")
    shown = next(m for m in reversed(curator.messages()) if title in m.text)
    await curator.press("Переназначить", shown)
    await curator.press("Да, переназначить")
    assert f"Пара отменена для переназначения: {title}" in curator.last.text
    await curator.press(f"Подобрать наставника: {mentee}")
    assert curator.last.text == f"Наставник для «{mentee}»:"


async def invite_code(curator, role_label: str, school: str | None = None) -> str:
    """A school invitation's printable code, made by the curator (picking the school if asked)."""
    await curator.send("/invites")
    if school is not None and "Выберите школу" in curator.last.text:
        await curator.press(school)
    said = texts(await curator.press(role_label))
    return re.search(r"<code>([A-Z0-9]{4}-[A-Z0-9]{4})</code>",
                     next(t for t in said if "Приглашение:" in t)).group(1)


async def propose_meeting(person, place: str = "Кабинет 12", topic: str = "Разбор урока",
                          day: str = "25.11", at: str = "15:30", repeat: str = "Один раз",
                          partner: str | None = None, length: str | None = None) -> list:
    """/meet through to the last button; `partner` picks the pair when there are several."""
    await person.send("/meet")
    if partner is not None:
        await person.press(partner)
    return await fill_proposal(person, place, topic, day, at, repeat, length)


async def describe_meeting(person, place: str = "Кабинет 12", topic: str = "Разбор урока",
                           day: str = "25.11", at: str = "15:30") -> None:
    """A proposal from its day picker to the question of the interaction model."""
    await person.press(day)
    await person.send(at)
    await person.send(place)
    await person.send(topic)


async def fill_proposal(person, place: str = "Кабинет 12", topic: str = "Разбор урока",
                        day: str = "25.11", at: str = "15:30", repeat: str = "Один раз",
                        length: str | None = None) -> list:
    """A proposal from its day picker on (after /meet, «another time» or a move); `length`: the
    length button pressed on the last step (else the default hour)."""
    await describe_meeting(person, place, topic, day, at)
    await person.press("Сделаем вместе")
    if length is not None:
        await person.press(length)
    return await person.press(repeat)


async def make_municipality(curator, name: str, *schools: str) -> None:
    """A regional curator creates a municipality in /municipalities and puts schools into it."""
    await curator.send("/municipalities")
    await curator.press("Новый муниципалитет")
    await curator.send(name)
    for school in schools:
        await curator.press("Добавить школу")
        await curator.press(school)


async def coordinator_link(curator, municipality: str) -> str:
    """The payload of a coordinator's invitation, made from the municipality's card."""
    await curator.send("/municipalities")
    await curator.press(municipality)
    said = texts(await curator.press("Пригласить координатора"))
    text = next(t for t in said if "Приглашение координатора" in t)
    return re.search(r"https://t\.me/mentoring_test_bot\?start=(i_[A-Z0-9]+)", text).group(1)


async def become_coordinator(running, curator, telegram_id: int, municipality: str,
                             name: str = "Координатор Ольга"):
    """A newcomer opens the coordinator's invitation, agrees, and gives a name (no school)."""
    person = running.person(telegram_id)
    await person.send(f"/start {await coordinator_link(curator, municipality)}")
    await person.press("Согласен")
    await person.send(name)
    return person
