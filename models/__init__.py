"""Database models and the queries the services use."""

from models.base import Base
from models.calendar_choices import CalendarChoice
from models.campaigns import Campaign
from models.curators import SchoolCurator
from models.invites import Invite
from models.max_channel import MaxMessage, MaxPolling
from models.meetings import Meeting
from models.municipalities import MunicipalCoordinator, Municipality
from models.outbox import OutboxAbout, OutboxMessage
from models.pairs import Pair, PairMember, PlanItem
from models.surveys import Answer, QuestionnaireVersion, Response, response_scores
from models.updates import ProcessedUpdate
from models.users import ConsentText, FsmRecord, Profile, School, User, UserRole

__all__ = [
    "Answer", "Base", "CalendarChoice", "Campaign", "ConsentText", "FsmRecord", "Invite",
    "MaxMessage", "MaxPolling", "Meeting", "MunicipalCoordinator", "Municipality",
    "OutboxAbout", "OutboxMessage", "Pair", "PairMember", "PlanItem", "ProcessedUpdate",
    "Profile", "QuestionnaireVersion", "Response", "School", "SchoolCurator", "User",
    "UserRole", "response_scores",
]
