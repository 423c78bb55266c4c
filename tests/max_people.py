"""People talking to `python -m bot` over MAX, through the MAX stand-in (tests/max_standin.py).

`MaxPerson` has the interface of tests/e2e_people.Person (messages, last, fresh, alerts,
uploads, find_button, send, press, expect), so the conversations there (consent, fill_profile,
register, Screen) run with it too. In MAX a person starts the bot with the Start button
(`start()`: bot_started, with a deep link's payload), and pressing a button depends on its type:
a callback button sends message_callback, a "message" button sends its text as the person's
message, request_contact sends their contact. `MaxBotProcess` is e2e_people.BotProcess pointed at
the stand-in with MAX_API_URL, ready once the bot polls GET /updates or subscribes a webhook.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.config import PROJECT_ROOT
from tests.e2e_people import BotProcess, Chatter
from tests.max_standin import MaxStandIn, Shown

# Buttons that send something to the bot when pressed; link, clipboard and open_app do not.
PRESSABLE = frozenset({"callback", "message", "request_contact", "request_geo_location"})


class MaxPerson(Chatter):
    """Somebody in a dialog with the bot; `mark` is the stand-in's request count at their last
    action, so "fresh" means shown or changed since then."""

    def __init__(self, standin: MaxStandIn, user_id: int, first_name: str = "Анна",
                 last_name: str = "", username: str | None = None) -> None:
        self.standin = standin
        self.id = user_id
        self.user: dict[str, Any] = {"user_id": user_id, "first_name": first_name,
                                     "last_name": last_name, "is_bot": False}
        if username:
            self.user["username"] = username
        self.mark = standin.seq
        self.last_update: dict[str, Any] | None = None
        self.timeout = 10.0

    def __repr__(self) -> str:
        return f"MaxPerson({self.id}, {self.user['first_name']!r})"

    # -- what they see ---------------------------------------------------------------------

    def alerts(self, since: int | None = None) -> list[str]:
        """The notifications answering this person's presses after `since`."""
        since = self.mark if since is None else since
        answered = [c for c in self.standin.callbacks.values()
                    if c.user_id == self.id and c.answer is not None
                    and c.answer.seq > since and c.notification]
        return [str(c.notification) for c in sorted(answered, key=lambda c: c.answer.seq)]

    def find_button(self, label: str,
                    messages: list[Shown]) -> tuple[Shown, dict[str, Any]] | None:
        """The pressable button labelled exactly `label` (else containing it), newest message
        first: the message and the button as MAX shows it."""
        for exact in (True, False):
            for shown in messages:
                for button in shown.keyboard():
                    text = button.get("text", "")
                    if button.get("type") in PRESSABLE and (
                            text == label if exact else label in text):
                        return shown, button
        return None

    # -- what they do ----------------------------------------------------------------------

    def _acted(self, update: dict[str, Any]) -> dict[str, Any]:
        self.last_update = update
        return update

    def start(self, payload: str | None = None) -> dict[str, Any]:
        """Press Start in the bot's profile, or open its deep link with `payload`."""
        self.mark = self.standin.seq
        return self._acted(self.standin.push_bot_started(self.user, payload))

    def begin(self, payload: str | None = None) -> dict[str, Any]:
        """What e2e_people's conversations call to start: in MAX, the Start button."""
        return self.start(payload)

    def stop(self) -> dict[str, Any]:
        self.mark = self.standin.seq
        return self._acted(self.standin.push_bot_stopped(self.user))

    def send(self, text: str, attachments: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        self.mark = self.standin.seq
        return self._acted(self.standin.push_message(self.user, text, attachments=attachments))

    def press_data(self, shown: Shown, payload: str) -> dict[str, Any]:
        self.mark = self.standin.seq
        return self._acted(self.standin.push_callback(self.user, shown.mid, payload))

    def press_button(self, shown: Shown, button: dict[str, Any]) -> dict[str, Any]:
        kind = button.get("type")
        if kind == "callback":
            return self.press_data(shown, button["payload"])
        if kind == "message":
            return self.send(button["text"])
        if kind == "request_contact":
            contact = {"type": "contact", "payload": {
                "vcf_info": f"BEGIN:VCARD\nVERSION:3.0\nFN:{self.user['first_name']}\n"
                            f"TEL;TYPE=cell:+7900{self.id:07d}\nEND:VCARD",
                "max_info": self.standin.person(self.user)}}
            return self.send("", attachments=[contact])
        if kind == "request_geo_location":
            return self.send("", attachments=[{"type": "location", "latitude": 55.75,
                                               "longitude": 37.62}])
        raise AssertionError(f"{self}: pressing a {kind} button sends nothing to the bot")

    def press_found(self, shown: Shown, button: dict[str, Any]) -> dict[str, Any]:
        return self.press_button(shown, button)



class MaxBotProcess(BotProcess):
    """`python -m bot` against the MAX stand-in; `settings` must name the MAX channel and its
    token as the bot's settings spell them."""

    def __init__(self, standin: MaxStandIn, logs: Path, name: str = "bot",
                 project: Path = PROJECT_ROOT, **settings: str) -> None:
        super().__init__(standin, logs, name, project, MAX_API_URL=standin.base_url,  # type: ignore[arg-type]
                         **settings)
        # MAX alone unless the test also names Telegram's channel.
        if "BOT_TOKEN" not in settings:
            self.env.pop("BOT_TOKEN", None)
            self.env.pop("TELEGRAM_API_URL", None)

    @staticmethod
    def listens(request: Any) -> bool:
        """Polling GET /updates, or subscribing a webhook."""
        return request.path in ("/updates", "/subscriptions")
