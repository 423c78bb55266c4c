"""What each questionnaire is for (domain.questionnaire.Purposes), found in the content files
the app was built from: services read the codes here instead of naming them."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from domain.questionnaire import Purposes

KEY = "purposes"


def of(session: AsyncSession) -> Purposes:
    """The purposes the app's sessions carry (bot/factory.py gives them to its sessionmaker)."""
    found = session.info.get(KEY)
    if not isinstance(found, Purposes):
        raise LookupError("this session was not made by the app's sessionmaker: no purposes")
    return found
