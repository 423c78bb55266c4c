"""Database models and the queries the services use."""

from models.base import Base
from models.calendars import SchoolCalendar
from models.campaigns import Campaign
from models.meetings import Meeting
from models.outbox import OutboxAbout, OutboxMessage
from models.pairs import Invite, Pair, PairMember, PlanItem, SchoolCurator
from models.surveys import Answer, QuestionnaireVersion, Response, response_scores
from models.updates import ProcessedUpdate
from models.users import ConsentText, FsmRecord, Profile, School, User, UserRole

__all__ = [
    "Answer", "Base", "Campaign", "ConsentText", "FsmRecord", "Invite", "Meeting",
    "OutboxAbout", "OutboxMessage", "Pair", "PairMember", "PlanItem", "ProcessedUpdate", "Profile",
    "QuestionnaireVersion", "Response", "School", "SchoolCalendar", "SchoolCurator", "User",
    "UserRole", "response_scores",
]
