"""«Ученик – ученик» pairs made by pupils: /invite links and codes (valid, used, expired, forged,
own), both sides' consent, the curator told and able to cancel."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from handlers.callbacks import JoinPair
from models import Pair
from tests.flows import (
    PUPIL_MENTEE,
    PUPIL_MENTOR,
    TEACHER_MENTEE,
    register,
    register_curator,
    stored_user,
    the_pair,
)
from tests.telegram import texts

pytestmark = pytest.mark.db


async def pair_invite(pupil) -> tuple[str, str]:
    said = texts(await pupil.send("/invite"))
    text = next(t for t in said if "Приглашение в пару" in t)
    payload = re.search(r"\?start=(i_[A-Z0-9]+)", text).group(1)
    return payload, re.search(r"<code>([A-Z0-9-]+)</code>", text).group(1)




async def test_invited_pupil_and_inviter_agree_and_the_curator_is_told(running):
    curator = await register_curator(running)
    masha = running.person(300)
    await register(masha, PUPIL_MENTOR)
    payload, _ = await pair_invite(masha)
    kolya = running.person(301)
    await kolya.send(f"/start {payload}")
    said = texts(await kolya.press("Согласен"))
    assert "Кузнецова Маша приглашает тебя в пару «ученик – ученик». Согласен(на)?" in said
    said = texts(await kolya.press("Согласен"))
    assert "Спасибо! Ждём согласия второй стороны." in said
    assert "Куратор предлагает наставническую пару" in masha.last.text
    await masha.press("Согласен")
    assert "Пара начала работу" in masha.last.text
    assert "Пара начала работу" in kolya.messages()[-1].text
    assert "(ученик – ученик)" in curator.last.text and "Кузнецова Маша →" in curator.last.text
    pair = await the_pair(running)
    assert pair.status == "active" and pair.form == "pupil_pupil" and pair.variant == "peer"
    async with running.session() as session:
        kolya_user = await stored_user(session, kolya.user.id)
        assert [r.role for r in kolya_user.roles] == ["mentee_pupil"]
        assert kolya_user.profile.school.name == "МОУ СОШ №1"
    # The curator can cancel what the pupils formed.
    await curator.press("Отменить пару")
    await curator.press("Да, отменить")
    assert (await the_pair(running)).status == "cancelled"
    assert "Куратор отменил вашу пару." in masha.last.text


async def test_codes_that_must_not_let_anyone_in(running, clock):
    await register_curator(running)
    masha, kolya, petya, anna = (running.person(i) for i in (300, 301, 302, 303))
    await register(masha, PUPIL_MENTOR)
    _, code = await pair_invite(masha)
    said = texts(await masha.send(f"/join {code}"))
    assert "Это ваше собственное приглашение — его нужно отправить другому ученику." in said
    await register(anna, TEACHER_MENTEE)
    said = texts(await anna.send(f"/join {code}"))
    assert "Это приглашение ученика в пару — его может принять только ученик." in said
    await register(kolya, PUPIL_MENTEE)
    await kolya.send(f"/join {code}")
    offer_message, agree = kolya.find_button("Согласен")
    await kolya.press_data(agree, offer_message)
    await register(petya, {**PUPIL_MENTEE, "name": "Петя"})
    said = texts(await petya.send(f"/join {code}"))
    assert "Это приглашение уже использовано. Попросите новое." in said
    # Kolya's button, replayed by Petya, is refused the same way.
    said = texts(await petya.press_data(JoinPair(code=code.replace("-", ""), agree=True).pack()))
    assert said == ["Это приглашение уже использовано. Попросите новое."]
    _, second = await pair_invite(masha)
    clock.advance(timedelta(hours=49))
    said = texts(await petya.send(f"/join {second}"))
    assert "Срок этого приглашения истёк. Попросите новое у куратора." in said
    said = texts(await petya.send("/join AAAA-BBBB"))
    assert "Такого кода приглашения нет. Проверьте код или попросите новый у куратора." in said
    async with running.session() as session:
        (pair,) = (await session.scalars(select(Pair))).all()
        expected = {(await stored_user(session, p.user.id)).id for p in (masha, kolya)}
    assert {m.user_id for m in pair.members} == expected


async def test_only_pupil_mentors_invite_and_pupils_see_only_their_pairs(running):
    await register_curator(running)
    masha, kolya, other = running.person(300), running.person(301), running.person(302)
    await register(masha, PUPIL_MENTOR)
    await register(kolya, PUPIL_MENTEE)
    said = texts(await kolya.send("/invite"))
    assert said == ["Приглашать в пару могут ученики-наставники. "
                    "Добавьте себе эту роль в /profile."]
    _, code = await pair_invite(masha)
    await kolya.send(f"/join {code}")
    await kolya.press("Согласен")
    await masha.press("Согласен")
    await kolya.send("/pair")
    card = kolya.last.text
    assert "Наставник: Кузнецова Маша" in card and "Учёба" not in card
    await register(other, {**PUPIL_MENTEE, "name": "Другой"})
    assert texts(await other.send("/pair")) == ["У вас пока нет пар."]
