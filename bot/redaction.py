"""Secrets never reach the log: every record is scrubbed of the token, the webhook secret and the
passwords in the database and Redis addresses before any handler writes it."""

from __future__ import annotations

import logging

from sqlalchemy.engine import make_url

from bot.config import Settings

MASK = "[redacted]"


def secrets_of(settings: Settings) -> list[str]:
    found = [settings.bot_token, settings.bot_token.split(":", 1)[-1]]
    if settings.webhook_secret:
        found.append(settings.webhook_secret)
    for url in (settings.database_url, settings.redis_url):
        password = _password(url)
        if password:
            found.append(password)
    # The longest first, so that a secret containing another is masked whole.
    return sorted({s for s in found if len(s) >= 6}, key=len, reverse=True)


def _password(url: str | None) -> str | None:
    if not url:
        return None
    try:
        return make_url(url).password
    except Exception:  # a malformed URL is reported elsewhere
        return None


class Redact(logging.Filter):
    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = secrets

    def scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self.scrub(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.scrub(record.exc_text)
        return True


def install(settings: Settings) -> None:
    """Scrub what every handler of the root logger writes; the bot configures logging once,
    before anything runs."""
    redact = Redact(secrets_of(settings))
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)
