"""Database models and the queries the services use."""

from models.base import Base
from models.surveys import Answer, QuestionnaireVersion, Response
from models.users import FsmRecord, Profile, School, User, UserRole

__all__ = [
    "Answer", "Base", "FsmRecord", "Profile", "QuestionnaireVersion", "Response", "School",
    "User", "UserRole",
]
