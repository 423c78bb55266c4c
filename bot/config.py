"""Settings from the environment and `.env`, with one-line errors a person can act on."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from domain.messengers import from_max

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TOKEN_PATTERN = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{30,}$")
# What Telegram accepts as a webhook's secret_token.
SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,256}$")
# MAX's tokens are opaque; what MAX's business platform shows is one word of printable ASCII.
MAX_TOKEN_PATTERN = re.compile(r"^[\x21-\x7e]{20,512}$")
SUPPORTED_LOCALES = ("ru", "en")
DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_DATABASE_URL = f"sqlite+aiosqlite:///{DATA_DIR / 'bot.sqlite3'}"


class ConfigError(Exception):
    """Settings that cannot work; the message is one line saying which and why."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Telegram's token; MAX's. Either switches its messenger on; with both, one deployment
    # serves both from the same database; with neither, the local demo runs.
    bot_token: str | None = None
    max_token: str | None = None
    database_url: str = DEFAULT_DATABASE_URL
    telegram_api_url: str | None = None
    # Empty: MAX's own address. The end-to-end tests point it at a local stand-in.
    max_api_url: str | None = None
    curator_ids: Annotated[frozenset[int], NoDecode] = Field(default_factory=frozenset)
    timezone: str = "Europe/Moscow"
    default_locale: str = "ru"
    redis_url: str | None = None
    # Webhook mode when set: Telegram posts updates to this public HTTPS address.
    webhook_url: str | None = None
    webhook_secret: str | None = None
    # Where the webhook server listens (behind the proxy that holds the certificate).
    webhook_host: str = "0.0.0.0"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    # MAX's webhook, served by the same server (MAX wants HTTPS on port 443, before the proxy).
    max_webhook_url: str | None = None
    max_webhook_secret: str | None = None
    content_dir: Path = PROJECT_ROOT / "content"
    # Where the demo's page is served (`python -m bot demo`, or no token set).
    demo_host: str = "127.0.0.1"
    demo_port: int = Field(default=8080, ge=0, le=65535)
    # Where the demo keeps its database and its clock, apart from the real ones.
    demo_dir: Path = DATA_DIR

    @field_validator("bot_token")
    @classmethod
    def _token(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not TOKEN_PATTERN.match(value):
            raise ValueError("looks malformed; BotFather gives tokens like 123456789:AAE...")
        return value

    @field_validator("max_token")
    @classmethod
    def _max_token(cls, value: str | None) -> str | None:
        if value is not None and not MAX_TOKEN_PATTERN.match(value):
            raise ValueError("looks malformed: copy it whole from the bot's settings on MAX's "
                             "business platform (business.max.ru)")
        return value

    @property
    def messengers(self) -> bool:
        """A messenger is configured; without one `python -m bot` runs the local demo."""
        return bool(self.bot_token or self.max_token)

    @property
    def deployment(self) -> list[str]:
        """The settings that only a deployment sets: with any of them a missing token is a
        mistake to report, not a newcomer to show the demo."""
        given = {"DATABASE_URL": self.database_url != DEFAULT_DATABASE_URL,
                 "REDIS_URL": self.redis_url, "CURATOR_IDS": self.curator_ids,
                 "WEBHOOK_URL": self.webhook_url, "MAX_WEBHOOK_URL": self.max_webhook_url}
        return [name for name, value in given.items() if value]

    @field_validator("curator_ids", mode="before")
    @classmethod
    def _ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            ids = []
            for part in parts:
                # A MAX user's id is written max:<id>; a bare number is Telegram's.
                number = part.removeprefix("max:").strip()
                if not number.isdigit() or int(number) == 0:
                    raise ValueError("must be comma-separated user ids: Telegram's as they are, "
                                     "MAX's as max:<id>, e.g. 12345,max:67890")
                ids.append(from_max(int(number)) if part.startswith("max:") else int(number))
            return frozenset(ids)
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}, e.g. Europe/Moscow") from None
        return value

    @field_validator("default_locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        if value not in SUPPORTED_LOCALES:
            raise ValueError(f"must be one of {', '.join(SUPPORTED_LOCALES)}")
        return value

    @field_validator("webhook_url", "max_webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^/\s]+(/\S*)?$", value):
            raise ValueError("must be the bot's public address, like https://bot.example.org/tg")
        return value

    # MAX's secret is held to Telegram's least length too (MAX takes 5): the webhook is a public
    # address and the secret all that guards it.
    @field_validator("webhook_secret", "max_webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: str | None) -> str | None:
        if value is not None and not SECRET_PATTERN.match(value):
            raise ValueError("must be 16 to 256 characters: letters, digits, _ and -")
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url and not self.webhook_secret:
            raise ValueError("WEBHOOK_SECRET is not set: with WEBHOOK_URL every request is "
                             "checked against it (e.g. openssl rand -hex 32)")
        if self.max_webhook_url and not self.max_webhook_secret:
            raise ValueError("MAX_WEBHOOK_SECRET is not set: with MAX_WEBHOOK_URL every request "
                             "is checked against it (e.g. openssl rand -hex 32)")
        if self.webhook_url and not self.bot_token:
            raise ValueError("WEBHOOK_URL is Telegram's: it needs BOT_TOKEN")
        if self.max_webhook_url and not self.max_token:
            raise ValueError("MAX_WEBHOOK_URL needs MAX_TOKEN")
        if self.webhook_url and self.max_webhook_url and \
                urlsplit(self.webhook_url).path == urlsplit(self.max_webhook_url).path:
            raise ValueError("WEBHOOK_URL and MAX_WEBHOOK_URL are served by one server: give "
                             "them different paths, e.g. /tg and /max")
        return self

    @field_validator("bot_token", "max_token", "telegram_api_url", "max_api_url", "redis_url",
                     "webhook_url", "webhook_secret", "max_webhook_url", "max_webhook_secret",
                     mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        if isinstance(value, str):
            return value.strip() or None
        return value

    @field_validator("demo_dir", mode="before")
    @classmethod
    def _empty_is_data(cls, value: object) -> object:
        return DATA_DIR if isinstance(value, str) and not value.strip() else value

    @field_validator("database_url", mode="before")
    @classmethod
    def _empty_is_default(cls, value: object) -> object:
        return DEFAULT_DATABASE_URL if isinstance(value, str) and not value.strip() else value


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        if not first["loc"]:  # a rule about several settings names them itself
            raise ConfigError(first["msg"].removeprefix("Value error, ")) from None
        name = str(first["loc"][0]).upper()
        if first["type"] == "missing":
            raise ConfigError(f"{name} is not set: put it in .env or the environment "
                              "(see .env.example)") from None
        message = first["msg"].removeprefix("Value error, ")
        raise ConfigError(f"{name} {message}") from None
