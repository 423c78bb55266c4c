import pytest

from bot.config import DEFAULT_DATABASE_URL, PROJECT_ROOT, ConfigError, load_settings
from domain.messengers import from_max

TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi"
MAX_TOKEN = "f9LHodD0cOJf4_DkJGeq8BkD-nj_0HTcX7NwSdT4fDtXou9i0A51TjSj9"


def settings(**values):
    return load_settings(_env_file=None, **values)


def test_defaults_run_on_sqlite_without_services(monkeypatch):
    for name in ("DATABASE_URL", "REDIS_URL", "TELEGRAM_API_URL", "CURATOR_IDS", "TIMEZONE",
                 "DEFAULT_LOCALE"):
        monkeypatch.delenv(name, raising=False)
    loaded = settings(bot_token=TOKEN, database_url="")
    assert loaded.database_url == DEFAULT_DATABASE_URL
    assert DEFAULT_DATABASE_URL.startswith("sqlite+aiosqlite:///")
    assert loaded.redis_url is None and loaded.telegram_api_url is None
    assert loaded.timezone == "Europe/Moscow" and loaded.default_locale == "ru"
    assert loaded.curator_ids == frozenset()


def test_values_from_the_environment(monkeypatch):
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("CURATOR_IDS", "12, 34,56")
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:8081")
    loaded = settings()
    assert loaded.curator_ids == frozenset({12, 34, 56})
    assert loaded.telegram_api_url == "http://127.0.0.1:8081"


@pytest.mark.parametrize(("values", "message"), [
    ({"bot_token": "nonsense"}, "BOT_TOKEN looks malformed"),
    ({"bot_token": TOKEN, "curator_ids": "12,abc"}, "CURATOR_IDS must be comma-separated"),
    ({"bot_token": TOKEN, "timezone": "Mars/Olympus"}, "TIMEZONE unknown time zone"),
    ({"bot_token": TOKEN, "default_locale": "de"}, "DEFAULT_LOCALE must be one of ru, en"),
    ({"max_token": "short"}, "MAX_TOKEN looks malformed"),
    ({"max_token": MAX_TOKEN + " x"}, "MAX_TOKEN looks malformed"),
    ({"max_token": MAX_TOKEN, "curator_ids": "max:"}, "CURATOR_IDS must be comma-separated"),
    ({"max_token": MAX_TOKEN, "webhook_url": "https://bot.example.org/tg",
      "webhook_secret": "s" * 16}, "WEBHOOK_URL is Telegram's: it needs BOT_TOKEN"),
    ({"max_token": MAX_TOKEN, "max_webhook_url": "https://bot.example.org/max"},
     "MAX_WEBHOOK_SECRET is not set"),
    ({"max_token": MAX_TOKEN, "max_webhook_url": "https://bot.example.org/max",
      "max_webhook_secret": "no spaces"}, "MAX_WEBHOOK_SECRET must be 16 to 256"),
    ({"max_token": MAX_TOKEN, "max_webhook_url": "https://bot.example.org/max",
      "max_webhook_secret": "short"}, "MAX_WEBHOOK_SECRET must be 16 to 256"),
    ({"bot_token": TOKEN, "max_token": MAX_TOKEN, "webhook_url": "https://bot.example.org/hook",
      "webhook_secret": "s" * 16, "max_webhook_url": "https://bot.example.org/hook",
      "max_webhook_secret": "m" * 16}, "WEBHOOK_URL and MAX_WEBHOOK_URL are served by one"),
])
def test_bad_settings_give_one_line(monkeypatch, values, message):
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    with pytest.raises(ConfigError) as error:
        settings(**values)
    assert str(error.value).startswith(message) and "\n" not in str(error.value)


def test_max_alone_both_messengers_and_curators_in_max(monkeypatch):
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    alone = settings(max_token=MAX_TOKEN, bot_token="", curator_ids="max:67890, 12")
    assert alone.bot_token is None and alone.max_token == MAX_TOKEN
    assert alone.curator_ids == frozenset({from_max(67890), 12})
    both = settings(bot_token=TOKEN, max_token=MAX_TOKEN)
    assert (both.bot_token, both.max_token) == (TOKEN, MAX_TOKEN)


@pytest.mark.parametrize("values", [{}, {"bot_token": "", "max_token": " "}])
def test_no_token_means_the_demo(monkeypatch, values):
    for name in ("BOT_TOKEN", "MAX_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    assert not load_settings(_env_file=None, **values).messengers
    assert load_settings(_env_file=None, demo_dir=" ").demo_dir == PROJECT_ROOT / "data"
    assert load_settings(_env_file=None, bot_token=TOKEN).messengers
