"""Neither secrets nor personal data reach the log.

* Secrets: every record is scrubbed of the token, the webhook secret and the passwords in the
  database and Redis addresses before any handler writes it (`install`).
* Personal data: an exception's message may carry what people typed (a database error quotes
  the values it refused, a validation error the input), so every record is made with its
  exceptions described by their type and where they were raised, never by their message
  (`guard_personal_data`, a log record factory: it holds for every logger, aiogram's included,
  and every handler). What is kept is what the code itself says: the SQL statement without its
  parameters (engines are made with hide_parameters), the SQLSTATE and constraint, Telegram's
  own error description, a network error.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from aiogram.exceptions import TelegramAPIError
from sqlalchemy import exc as db_errors
from sqlalchemy.engine import make_url

from bot.config import Settings

MASK = "[redacted]"
WITHHELD = "message withheld: it may hold personal data"


def secrets_of(settings: Settings) -> list[str]:
    found = []
    if settings.bot_token:
        found += [settings.bot_token, settings.bot_token.split(":", 1)[-1]]
    found += [secret for secret in (settings.max_token, settings.webhook_secret,
                                    settings.max_webhook_secret) if secret]
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
    guard_personal_data()
    redact = Redact(secrets_of(settings))
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)


def describe(error: BaseException) -> str:
    """An exception in words that hold no personal data: its type, and what the code or a
    server said about it when that cannot quote a person."""
    kind = f"{type(error).__module__}.{type(error).__qualname__}"
    if isinstance(error, db_errors.StatementError):
        orig = getattr(error, "orig", None)
        cause = getattr(orig, "__cause__", None) or orig
        facts = [f"{type(cause).__name__}" if cause is not None else ""]
        for name in ("sqlstate", "constraint_name", "table_name"):
            value = getattr(cause, name, None)
            if value:
                facts.append(f"{name} {value}")
        statement = " ".join((error.statement or "").split())[:300]
        return f"{kind}: {', '.join(f for f in facts if f)} [SQL: {statement}]"
    if isinstance(error, db_errors.TimeoutError | TelegramAPIError | OSError):
        return f"{kind}: {str(error).splitlines()[0][:200] if str(error) else ''}"
    return f"{kind} ({WITHHELD})"


def _traceback(exc_info: Any) -> str:
    """The traceback of each exception in the chain, described without its message."""
    value = exc_info[1]
    if value is None:
        return ""
    lines: list[str] = []
    chain: list[BaseException] = []
    error: BaseException | None = value
    while error is not None and error not in chain:
        chain.append(error)
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    for error in reversed(chain):
        if lines:
            lines.append("\nThe above exception led to the following:\n")
        lines.append("Traceback (most recent call last):\n")
        lines += traceback.format_list(traceback.extract_tb(error.__traceback__))
        lines.append(describe(error))
    return "".join(lines).rstrip("\n")


def _safe(value: Any) -> Any:
    return describe(value) if isinstance(value, BaseException) else value


_make_record = logging.getLogRecordFactory()


def _record(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _make_record(*args, **kwargs)
    if isinstance(record.msg, BaseException):
        record.msg = describe(record.msg)
    if isinstance(record.args, tuple) and any(isinstance(a, BaseException) for a in record.args):
        record.args = tuple(_safe(arg) for arg in record.args)
    elif isinstance(record.args, dict):
        record.args = {key: _safe(value) for key, value in record.args.items()}
    if record.exc_info and record.exc_info[1] is not None:
        record.exc_text = _traceback(record.exc_info)
        # Handlers format exc_text; the exception object itself stays out of reach.
        record.exc_info = None
    return record


def guard_personal_data() -> None:
    """Make every log record of the process without exception messages (idempotent)."""
    if logging.getLogRecordFactory() is not _record:
        logging.setLogRecordFactory(_record)
