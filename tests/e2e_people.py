"""People talking to `python -m bot` over HTTP, through the Bot API stand-in.

`BotProcess` runs the bot as a real process (start, wait until it polls, SIGKILL, SIGINT) with its
output in log files. `Person` is somebody in a private chat with it: they send messages (a
leading /command gets its bot_command entity) and press inline buttons found by their label in
what the bot showed them, and wait for the bot's answer; everything goes through the stand-in's
getUpdates, exactly as from Telegram. `Screen` reads a questionnaire off the chat: which question
is shown, or the list of questionnaires, or the «completed» message.

Used by tests/test_end_to_end.py and bench/crash.py; the in-process equivalents are
tests/telegram.py and tests/flows.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import re
import signal
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.config import PROJECT_ROOT, Settings
from bot.demo.telegram_api import LocalBotAPI, Shown
from domain.questionnaire import Question, Questionnaire

FAKE_TOKEN = "123456:" + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi"
SCHOOL = "МОУ СОШ №1"
TEACHER_MENTEE = {"role": "Наставляемый (педагог)", "name": "Иванова Анна Сергеевна",
                  "school": SCHOOL, "subjects": ["Математика", "Физика"], "experience": "2",
                  "category": "Молодой специалист"}
PUPIL_MENTOR = {"role": "Ученик-наставник", "name": "Кузнецова Маша", "school": SCHOOL,
                "capacity": "1", "grade": "10", "help": ["Проекты"]}
PUPIL_MENTEE = {"role": "Ученик-наставляемый", "name": "Сидоров Коля", "school": SCHOOL,
                "grade": "7", "help": ["Учёба"]}


def daytime_zone(now: datetime | None = None) -> str:
    """A fixed-offset zone where it is early afternoon now, so that no notice a test waits for
    is held back by the quiet hours (21:00-08:00; pupils 20:00-09:00)."""
    hour = (now or datetime.now(UTC)).hour
    offset = (13 - hour + 12) % 24 - 12  # -12..+11: local 13:00-13:59
    # POSIX sign: Etc/GMT-3 is three hours ahead of UTC.
    return "Etc/UTC" if offset == 0 else f"Etc/GMT{-offset:+d}"


def bot_env(**values: str) -> dict[str, str]:
    """The inherited environment without any of the bot's settings, plus `values`."""
    fields = {name.upper() for name in Settings.model_fields}
    env = {key: value for key, value in os.environ.items() if key.upper() not in fields}
    env.update(PYTHONUNBUFFERED="1", **values)
    return env


def _die_with_parent() -> None:
    """In the child before exec: the kernel kills it if the test or bench process dies."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


async def start_bot(env: dict[str, str], logs: Path, name: str = "bot",
                    cwd: Path = PROJECT_ROOT, args: tuple[str, ...] = ()
                    ) -> asyncio.subprocess.Process:
    """`python -m bot` with its output in `logs`/<name>.stdout and <name>.stderr."""
    with (logs / f"{name}.stdout").open("wb") as stdout, \
            (logs / f"{name}.stderr").open("wb") as stderr:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", *args, cwd=cwd, env=env, stdin=asyncio.subprocess.DEVNULL,
            stdout=stdout, stderr=stderr,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None)


class BotProcess:
    """`python -m bot` against the stand-in; each start logs to <name>-<n>.stderr."""

    def __init__(self, standin: LocalBotAPI, logs: Path, name: str = "bot",
                 project: Path = PROJECT_ROOT, **settings: str) -> None:
        self.standin, self.logs, self.name, self.project = standin, logs, name, project
        settings = {"TIMEZONE": daytime_zone(), "BOT_TOKEN": FAKE_TOKEN,
                    "TELEGRAM_API_URL": standin.base_url, "REDIS_URL": "", **settings}
        self.env = bot_env(PYTHONPATH=str(project), **settings)
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0
        self.started_seq = 0

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None

    @property
    def log(self) -> Path:
        return self.logs / f"{self.name}-{self.starts}.stderr"

    def stderr(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def all_stderr(self) -> str:
        return "".join((self.logs / f"{self.name}-{n}.stderr").read_text(errors="replace")
                       for n in range(1, self.starts + 1))

    async def start(self) -> None:
        assert not self.running, "already running"
        self.starts += 1
        self.started_seq = self.standin.seq
        self.process = await start_bot(self.env, self.logs, f"{self.name}-{self.starts}",
                                       cwd=self.project)

    @staticmethod
    def listens(request: Any) -> bool:
        """Whether this request to the stand-in shows the bot taking updates."""
        return request.method == "getUpdates"

    async def ready(self, timeout: float = 40.0) -> None:  # noqa: ASYNC109
        """Wait until this process takes updates (migrated, menus registered)."""

        def listening() -> bool:
            return not self.running or any(
                self.listens(r) and r.seq > self.started_seq
                for r in reversed(self.standin.requests[-50:]))

        try:
            await self.standin.wait_until(listening, timeout)
        except TimeoutError:
            raise AssertionError(f"the bot did not start taking updates within {timeout}s; "
                                 f"stderr:\n{self.stderr()[-3000:]}") from None
        if not self.running:
            raise AssertionError(f"the bot exited with {self.process.returncode}; "
                                 f"stderr:\n{self.stderr()[-3000:]}")

    async def kill(self) -> None:
        """SIGKILL: no shutdown hooks, nothing flushed, updates in hand not confirmed."""
        if self.running:
            self.process.kill()
        if self.process is not None:
            await self.process.wait()

    async def interrupt(self, timeout: float = 15.0) -> int:  # noqa: ASYNC109
        """SIGINT (Ctrl-C) and the exit code; killed after `timeout` seconds."""
        assert self.process is not None
        if self.running:
            self.process.send_signal(signal.SIGINT)
        try:
            return await asyncio.wait_for(self.process.wait(), timeout)
        except TimeoutError:
            await self.kill()
            raise AssertionError(f"the bot did not stop on SIGINT within {timeout}s; "
                                 f"stderr:\n{self.stderr()[-3000:]}") from None


class Chatter:
    """What a person sees of their private chat with the bot and how they wait for it, in any
    messenger's stand-in: `mark` is the stand-in's request count at their last action, so
    "fresh" means shown or changed since then. A messenger's person says how a button is found
    (`find_button`) and pressed (`press_found`)."""

    standin: Any
    id: int
    mark: int
    timeout: float

    # -- what they see ---------------------------------------------------------------------

    def messages(self) -> list[Any]:
        """The bot's messages in the chat, as they look now, oldest first."""
        return [shown for shown in self.standin.chat(self.id) if shown.from_bot]

    @property
    def last(self) -> Any:
        return self.messages()[-1]

    def fresh(self, since: int | None = None) -> list[Any]:
        """Bot messages sent or changed since the last action (or `since`), latest change
        first."""
        since = self.mark if since is None else since
        return sorted((m for m in self.messages() if m.changed > since),
                      key=lambda m: m.changed, reverse=True)

    def uploads(self) -> list[Any]:
        return self.standin.uploads_to(self.id)

    def find_button(self, label: str, messages: list[Any]) -> tuple[Any, Any] | None:
        raise NotImplementedError

    def press_found(self, shown: Any, button: Any) -> dict[str, Any]:
        raise NotImplementedError

    # -- what they do ----------------------------------------------------------------------

    async def press(self, label: str, *, fresh: bool = True,
                    timeout: float | None = None) -> dict[str, Any]:  # noqa: ASYNC109
        """Press the button labelled `label`: in a message shown or changed since the last
        action (waiting for it), or, with fresh=False, in any message, newest first."""

        def found() -> tuple[Any, Any] | None:
            shown = self.fresh() if fresh else sorted(self.messages(),
                                                     key=lambda m: m.changed, reverse=True)
            return self.find_button(label, shown)

        timeout = timeout or self.timeout
        try:
            shown, button = await self.standin.wait_until(found, timeout)
        except TimeoutError:
            raise AssertionError(f"{self}: no button {label!r} within {timeout}s; "
                                 f"{self.describe()}") from None
        return self.press_found(shown, button)

    async def expect(self, text: str, timeout: float | None = None,  # noqa: ASYNC109
                     *, since: int | None = None) -> Any:
        """A bot message containing `text`, shown or changed since the last action."""

        def found() -> Any:
            return next((m for m in self.fresh(since) if text in m.text), None)

        timeout = timeout or self.timeout
        try:
            return await self.standin.wait_until(found, timeout)
        except TimeoutError:
            raise AssertionError(f"{self}: the bot did not say {text!r} within {timeout}s; "
                                 f"{self.describe()}") from None

    def describe(self) -> str:
        shown = self.messages()[-3:]
        return "last messages: " + " | ".join(
            f"{m.text[:120]!r} {[label for label, _ in m.buttons()]}" for m in shown)


class Person(Chatter):
    """Somebody in a private chat with the bot in Telegram, over HTTP."""

    def __init__(self, standin: LocalBotAPI, user_id: int, first_name: str = "Анна",
                 language_code: str = "ru") -> None:
        self.standin = standin
        self.id = user_id
        self.user = {"id": user_id, "is_bot": False, "first_name": first_name,
                     "language_code": language_code}
        self.mark = standin.seq
        self.last_update: dict[str, Any] | None = None
        self.timeout = 10.0  # how long press() and expect() wait unless told

    def __repr__(self) -> str:
        return f"Person({self.id}, {self.user['first_name']!r})"

    def alerts(self, since: int | None = None) -> list[str]:
        """Texts of the callback answers (toasts and alerts) to this person's presses."""
        since = self.mark if since is None else since
        return [str(q.answer.params.get("text")) for q in self.standin.queries.values()
                if q.user_id == self.id and q.answer is not None and q.answer.seq > since
                and q.answer.params.get("text")]

    def find_button(self, label: str, messages: list[Shown]) -> tuple[Shown, str] | None:
        """The button labelled exactly `label` (else containing it), newest message first."""
        for exact in (True, False):
            for shown in messages:
                for text, data in shown.buttons():
                    if data is not None and (text == label if exact else label in text):
                        return shown, data
        return None

    def begin(self, payload: str | None = None) -> dict[str, Any]:
        """Start the bot, or open its deep link with `payload`: in Telegram, /start."""
        return self.send("/start" + (f" {payload}" if payload else ""))

    def send(self, text: str) -> dict[str, Any]:
        self.mark = self.standin.seq
        self.last_update = self.standin.push_message(self.user, text)
        return self.last_update

    def press_data(self, shown: Shown, data: str) -> dict[str, Any]:
        self.mark = self.standin.seq
        self.last_update = self.standin.push_callback_query(self.user, self.id,
                                                            shown.message_id, data)
        return self.last_update

    def press_found(self, shown: Shown, button: str) -> dict[str, Any]:
        return self.press_data(shown, button)


# -- conversations -------------------------------------------------------------------------


async def consent(person: Person, payload: str | None = None) -> None:
    person.begin(payload)
    await person.press("Согласен")


async def fill_profile(person: Person, profile: dict[str, Any],
                       school_exists: asyncio.Event | None = None) -> None:
    """Role and profile, in the order content/profile.yaml asks them. People typing a new
    school's name at the same moment collide in the app (see bench/crash.py); pass
    `school_exists` to type it only once somebody else has created the school."""
    await person.press(profile["role"])
    await person.expect("Как тебя зовут" if "Ученик" in profile["role"] else "Как вас зовут")
    person.send(profile["name"])
    await person.expect("В какой школе")
    if school_exists is not None:
        await asyncio.wait_for(school_exists.wait(), person.timeout * 3)
    person.send(profile["school"])
    for subject in profile.get("subjects", []):
        await person.press(subject)
    if "subjects" in profile:
        await person.press("Готово")
        await person.expect("Сколько лет")
        person.send(profile["experience"])
    if "category" in profile:
        await person.press(profile["category"])
    if "capacity" in profile:
        await person.press(profile["capacity"])
    if "grade" in profile:
        await person.press(profile["grade"])
    for topic in profile.get("help", []):
        await person.press(topic)
    if "help" in profile:
        await person.press("Готово")
    if "Ученик" in profile["role"]:
        await person.expect("Контакт родителя")
        await person.press("Пропустить")  # optional
    await person.expect("Профиль заполнен")


async def register(person: Person, profile: dict[str, Any], payload: str | None = None,
                   school_exists: asyncio.Event | None = None) -> None:
    await consent(person, payload)
    await fill_profile(person, profile, school_exists)


async def register_curator(person: Person, name: str = "Куратор Мария Ивановна") -> None:
    """A curator (CURATOR_IDS) is asked no programme role and no school, only a name."""
    await consent(person)
    await person.expect("Как вас зовут")
    person.send(name)
    await person.expect("Профиль заполнен")


# -- questionnaires ------------------------------------------------------------------------

PROGRESS = re.compile(r"Вопрос (\d+) из (\d+)")


@dataclass(frozen=True)
class Seen:
    """What the chat shows of one questionnaire: a question, the list, or «completed»."""

    kind: str  # "question", "list" or "done"
    message: Shown
    question: Question | None = None


class Screen:
    """Reads one questionnaire's state off a person's chat (Russian texts)."""

    def __init__(self, questionnaire: Questionnaire) -> None:
        self.questionnaire = questionnaire
        self.title = questionnaire.title.ru
        self.order = {q.id: index for index, q in enumerate(questionnaire.questions)}
        self.by_text = {q.text.ru: q for q in questionnaire.questions}

    def read(self, shown: Shown) -> Seen | None:
        text = shown.text
        if f"Анкета «{self.title}» заполнена" in text:
            return Seen("done", shown)
        if text.startswith(self.title) and PROGRESS.search(text):
            for line in text.splitlines():
                if line in self.by_text:
                    return Seen("question", shown, self.by_text[line])
        if any(self.title in label for label, _ in shown.buttons()) and "Анкеты" in text:
            return Seen("list", shown)
        return None

    def current(self, person: Person, since: int = 0) -> Seen | None:
        """The latest of the questionnaire's screens shown or changed after `since`."""
        for shown in sorted(person.messages(), key=lambda m: m.changed, reverse=True):
            if shown.changed <= since:
                break
            seen = self.read(shown)
            if seen is not None:
                return seen
        return None

    def label(self, question: Question, value: Any) -> str:
        """The button that gives `value` to a button question."""
        if question.options:
            return next(o.text.ru for o in question.options if o.value == value)
        return str(value)
