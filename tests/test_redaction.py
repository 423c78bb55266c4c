"""Secrets from the environment never appear in the log."""

import logging

from bot import redaction
from tests.telegram import TOKEN

SECRET = "webhook-secret-0123456789"


def test_token_secret_and_passwords_are_masked_in_messages_and_tracebacks(make_settings, capsys):
    settings = make_settings(
        webhook_url="https://bot.example.org/tg", webhook_secret=SECRET,
        database_url="postgresql+asyncpg://bot:db-pass-4242@db/mentoring",
        redis_url="redis://:redis-pass-777@cache:6379/0")
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    root = logging.getLogger()
    kept, root.handlers = root.handlers, [handler]  # pytest's own handlers stay unfiltered
    try:
        redaction.install(settings)
        log = logging.getLogger("aiogram.test")
        log.warning("POST https://api.telegram.org/bot%s/getUpdates failed", TOKEN)
        log.warning("secret %s, database %s, redis %s", SECRET, settings.database_url,
                    settings.redis_url)
        try:
            raise ConnectionError(f"cannot reach https://api.telegram.org/bot{TOKEN}/getMe")
        except ConnectionError:
            log.exception("startup failed")
    finally:
        root.handlers = kept
    written = capsys.readouterr().err
    for secret in (TOKEN, TOKEN.split(":")[1], SECRET, "db-pass-4242", "redis-pass-777"):
        assert secret not in written
    assert written.count(redaction.MASK) == 5
    assert "getUpdates failed" in written and "ConnectionError" in written
