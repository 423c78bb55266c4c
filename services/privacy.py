"""A person's own data: the consent text they agreed to, everything stored about them (/mydata),
and erasure (/delete_me) that keeps their answers only as anonymous figures of their school."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.messengers import messenger_id, messenger_of
from domain.questionnaire import Question, QuestionType
from models import (
    Campaign,
    ConsentText,
    FsmRecord,
    Invite,
    MaxMessage,
    Meeting,
    MunicipalCoordinator,
    Municipality,
    OutboxAbout,
    OutboxMessage,
    Pair,
    PairMember,
    PlanItem,
    Response,
    School,
    SchoolCurator,
    User,
)
from models.db import insert_unless_present
from services import access, outbox, pairs, scores
from services.surveys import Surveys

# What an erased text becomes where the column needs one (a meeting's place, a plan goal).
ERASED = "—"


def consent_version(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


async def remember_consent_text(session: AsyncSession, locale: str, text: str,
                                now: datetime) -> str:
    """The version of the consent text shown; its words are kept the first time it is agreed
    to (several processes may do that at once)."""
    version = consent_version(text)
    await session.execute(insert_unless_present(
        session, ConsentText, "version", version=version, locale=locale, text=text,
        first_agreed_at=now))
    return version


def _moment(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(frozen=True)
class Appointment:
    """A school the person was made a curator of, or a municipality they coordinate."""

    id: int
    name: str
    since: datetime


async def appointments(session: AsyncSession,
                       user: User) -> tuple[list[Appointment], list[Appointment]]:
    """The person's curator rights as stored: the schools they curate and the municipalities
    they coordinate, each by name."""
    schools = await session.execute(
        select(School.id, School.name, SchoolCurator.created_at)
        .join(SchoolCurator, SchoolCurator.school_id == School.id)
        .where(SchoolCurator.user_id == user.id).order_by(School.name))
    municipalities = await session.execute(
        select(Municipality.id, Municipality.name, MunicipalCoordinator.created_at)
        .join(MunicipalCoordinator, MunicipalCoordinator.municipality_id == Municipality.id)
        .where(MunicipalCoordinator.user_id == user.id).order_by(Municipality.normalized_name))
    return ([Appointment(*row) for row in schools], [Appointment(*row) for row in municipalities])


async def personal_data(session: AsyncSession, user: User, surveys: Surveys,
                        locale: str) -> dict[str, Any]:
    """Everything stored about the person, as plain data (their partners appear by role only:
    their data is theirs to ask for)."""
    profile = user.profile
    consent = await session.get(ConsentText, user.consent_version) if user.consent_version \
        else None
    curated, coordinated = await appointments(session, user)
    data: dict[str, Any] = {
        "person": {
            "messenger": messenger_of(user.telegram_id).value,
            "messenger_id": messenger_id(user.telegram_id), "username": user.username,
            "language": user.locale, "time_zone": user.timezone,
            "meeting_reminders_minutes_before": user.reminder_minutes,
            "registered_at": _moment(user.created_at), "start_payload": user.start_payload,
            "blocked_the_bot_at": _moment(user.unreachable_at),
        },
        "consent": {"agreed_at": _moment(user.consent_at), "text_version": user.consent_version,
                    "text": consent.text if consent else None},
        "profile": None if profile is None else {
            "full_name": profile.full_name,
            "school": profile.school.name if profile.school else None,
            "subjects": profile.subjects, "experience_years": profile.experience_years,
            "mentee_category": profile.mentee_category, "mentor_types": profile.mentor_types,
            "mentee_capacity": profile.mentee_capacity, "grade": profile.grade,
            "help_wanted": profile.help_wanted, "help_offered": profile.help_offered,
            "parent_contact": profile.parent_contact or None, "position": profile.position or None,
            "key_competences": profile.key_competences or None,
        },
        "roles": [{"role": r.role, "form": r.form, "school_id": r.school_id,
                   "active": r.is_active, "confirmed_at": _moment(r.confirmed_at)}
                  for r in user.roles],
        "curates_schools": [
            {"school_id": school.id, "name": school.name, "appointed_at": _moment(school.since)}
            for school in curated],
        "coordinates_municipalities": [
            {"municipality_id": place.id, "name": place.name,
             "appointed_at": _moment(place.since)}
            for place in coordinated],
        "questionnaires": await _responses(session, user, surveys, locale),
        "pairs": await _pairs(session, user),
        "invitations_made": [
            {"code": invite.code, "kind": invite.kind, "role": invite.role,
             "created_at": _moment(invite.created_at), "expires_at": _moment(invite.expires_at),
             "uses": invite.uses, "revoked_at": _moment(invite.revoked_at)}
            for invite in await session.scalars(
                select(Invite).where(Invite.created_by == user.id).order_by(Invite.id))],
        "messages_owed": [
            {"kind": row.kind, "due_at": _moment(row.due_at), "status": row.status}
            for row in await session.scalars(
                select(OutboxMessage).where(OutboxMessage.user_id == user.id,
                                            OutboxMessage.status == outbox.Status.PENDING)
                .order_by(OutboxMessage.due_at))],
        "conversation_state": [
            {"state": record.state, "data": record.data}
            for record in await session.scalars(
                select(FsmRecord).where(FsmRecord.key.contains(f":{user.telegram_id}:")))],
    }
    return data


async def _responses(session: AsyncSession, user: User, surveys: Surveys,
                     locale: str) -> list[dict[str, Any]]:
    found = []
    for response in await session.scalars(
            select(Response).where(Response.user_id == user.id).order_by(Response.id)):
        definition = await surveys.definition(session, response.questionnaire_code,
                                              response.questionnaire_version)
        questions = {q.id: q for q in definition.questions}
        found.append({
            "questionnaire": definition.title.get(locale), "version": definition.version,
            "role": response.role, "started_at": _moment(response.started_at),
            "completed_at": _moment(response.completed_at),
            "answers": [{"question": _question_text(questions.get(a.question_id), locale,
                                                    a.question_id),
                         "answer": a.value, "skipped": a.skipped,
                         "answered_at": _moment(a.answered_at)}
                        for a in sorted(response.answers, key=lambda a: a.id)],
        })
    return found


def _question_text(question: Question | None, locale: str, fallback: str) -> str:
    return question.text.get(locale) if question is not None else fallback


async def _pairs(session: AsyncSession, user: User) -> list[dict[str, Any]]:
    found = []
    for pair in await pairs.pairs_of(session, user):
        own = pairs.member(pair, user.id)
        meetings = list((await session.scalars(
            select(Meeting).where(Meeting.pair_id == pair.id).order_by(Meeting.starts_at))).all())
        starts = {m.id: m.starts_at for m in meetings}
        # The mentor's notes are the mentor's (and the curators'), not the mentee's data.
        notes = await access.may_read_notes(session, user, pair, ())
        found.append({
            "form": pair.form, "status": pair.status, "my_side": own.side,
            "my_consent": own.consent, "my_consent_at": _moment(own.consent_at),
            "my_decline_reason": own.decline_reason,
            "partners": [m.side for m in pair.members if m.user_id != user.id],
            "started_on": _moment(pair.started_on), "planned_end": _moment(pair.planned_end),
            "ended_at": _moment(pair.ended_at),
            "plan": [{"goal": item.goal, "area": item.area, "due_on": _moment(item.due_on),
                      "done_at": _moment(item.done_at)} for item in pair.plan],
            "meetings": [{"starts_at": _moment(m.starts_at), "minutes": m.minutes,
                          "place": m.place, "topic": m.topic, "status": m.status,
                          "held": m.held, "mentor_note": m.mentor_note if notes else None,
                          "mentee_rating": m.mentee_rating,
                          # A counter-proposal: when the meeting it answers was to be.
                          "counter_to": _moment(starts.get(m.counter_to_id))}
                         for m in meetings],
        })
    return found


# Answers that may name someone: typed text, and choices among colleagues by name.
def _may_identify(question: Question) -> bool:
    return question.type is QuestionType.TEXT or question.options_from is not None


async def erase(session: AsyncSession, user: User, surveys: Surveys,
                now: datetime) -> list[tuple[Pair, list[datetime]]]:
    """Consent withdrawn: every trace that names the person goes, in every table; the row stays
    as an anonymous member of their school, so its satisfaction scores and diagnoses still
    count there. Returns the pairs that ended, with the times of the meetings they cancelled,
    for the partners and curators to be told without the person's name.

    Gone: their name, username, Telegram id and profile details; what they typed (free answers
    and choices among colleagues, refusal reasons, the places and topics of meetings they
    proposed, the goals they set as a mentor, broadcasts they wrote) and the mentor's notes on
    meetings with them; every message owed or sent to them or about them (OutboxAbout); their
    conversation state, curator rights and invitations."""
    ended: list[tuple[Pair, list[datetime]]] = []
    changed: set[int] = set()
    for pair in await pairs.pairs_of(session, user):
        if pair.status in pairs.OPEN:
            cancelled = await pairs.end(session, pair, now, status=pairs.PairStatus.CANCELLED,
                                        reason="left the programme")
            ended.append((pair, [meeting.starts_at for meeting in cancelled]))
    for response in await session.scalars(select(Response).where(Response.user_id == user.id)):
        definition = await surveys.definition(session, response.questionnaire_code,
                                              response.questionnaire_version)
        identifying = {q.id for q in definition.questions if _may_identify(q)}
        for answer in response.answers:
            if answer.question_id in identifying and answer.value is not None:
                answer.value = None
                if response.completed_at is not None:
                    changed.add(response.id)
    # What they typed is never a score, but the rollup follows the answers whatever they hold.
    await scores.record_responses(session, changed)
    telegram_id = user.telegram_id
    own_pairs = select(PairMember.pair_id).where(PairMember.user_id == user.id)
    mentored = own_pairs.where(PairMember.side == pairs.MENTOR)
    own_campaigns = select(Campaign.id).where(Campaign.created_by == user.id)
    # Sent or not: to them, about them, or the announcements they wrote.
    await session.execute(delete(OutboxMessage).where(or_(
        OutboxMessage.user_id == user.id, OutboxMessage.chat_id == telegram_id,
        OutboxMessage.id.in_(select(OutboxAbout.outbox_id).where(
            OutboxAbout.user_id == user.id)),
        OutboxMessage.campaign_id.in_(own_campaigns))))
    # Their campaigns' messages are gone, and nobody is left to report to.
    await session.execute(update(Campaign).where(Campaign.created_by == user.id)
                          .values(text=None, reported_at=func.coalesce(Campaign.reported_at,
                                                                       now)))
    await session.execute(delete(FsmRecord).where(FsmRecord.key.contains(f":{telegram_id}:")))
    # Which of the bot's MAX messages went to them (DailyPlanner sweeps the goodbye's later).
    await session.execute(delete(MaxMessage).where(MaxMessage.chat_id == telegram_id))
    await session.execute(delete(SchoolCurator).where(SchoolCurator.user_id == user.id))
    await session.execute(delete(MunicipalCoordinator)
                          .where(MunicipalCoordinator.user_id == user.id))
    await session.execute(update(Invite).where(Invite.created_by == user.id,
                                               Invite.revoked_at.is_(None))
                          .values(revoked_at=now))
    await session.execute(update(PairMember).where(PairMember.user_id == user.id)
                          .values(decline_reason=None))
    # A note on a meeting is about both sides of the pair.
    await session.execute(update(Meeting).where(Meeting.pair_id.in_(own_pairs))
                          .values(mentor_note=None))
    await session.execute(update(Meeting).where(Meeting.proposed_by == user.id)
                          .values(place=ERASED, topic=ERASED))
    await session.execute(update(PlanItem).where(PlanItem.pair_id.in_(mentored),
                                                 PlanItem.goal != "")
                          .values(goal=ERASED))
    # Telegram's ids are positive: a negative one can never be found by a message.
    user.telegram_id = -user.id
    user.username = user.locale = user.start_payload = user.timezone = None
    user.reminder_minutes = user.unreachable_at = None
    user.is_active, user.erased_at = False, now
    for role in user.roles:
        role.is_active = False
    profile = user.profile
    if profile is not None:
        profile.full_name = profile.subjects = profile.mentor_types = None
        profile.help_wanted = profile.help_offered = profile.mentee_capacity = None
        profile.parent_contact = profile.position = profile.key_competences = None
    await session.flush()
    return ended
