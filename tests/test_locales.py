"""Both languages carry the same messages, and every key the code asks for exists."""

import ast as python_ast
import re

import pytest
from fluent.syntax import FluentParser, ast

from bot.commands import CURATOR_COMMANDS, USER_COMMANDS
from bot.config import PROJECT_ROOT, SUPPORTED_LOCALES
from domain import matching
from domain.messengers import Messenger
from domain.profile import ProfileForm
from domain.roles import Form, Role, Variant
from handlers.callbacks import MentorDetail
from services.pairs import MENTEE, MENTOR, PairStatus
from tests.flows import SHIPPED

CODE_DIRS = ("bot", "handlers", "services", "domain")
ERROR_CODES = {"use-buttons", "not-a-number", "out-of-range", "too-long", "empty", "not-text",
               "unknown-command", "too-many", "too-few", "not-optional", "stale", "internal",
               "school-locked"}


def message_ids(locale: str) -> set[str]:
    ids = set()
    for path in (PROJECT_ROOT / "locales" / locale).rglob("*.ftl"):
        resource = FluentParser().parse(path.read_text(encoding="utf-8"))
        junk = [entry for entry in resource.body if isinstance(entry, ast.Junk)]
        assert not junk, f"{path}: {junk[0].content!r}"
        ids |= {entry.id.name for entry in resource.body if isinstance(entry, ast.Message)}
    return ids


def test_languages_have_the_same_messages():
    ru, en = (message_ids(locale) for locale in SUPPORTED_LOCALES)
    assert ru - en == set() and en - ru == set()


def test_every_key_used_by_the_code_exists():
    used = set()
    for folder in CODE_DIRS:
        for path in (PROJECT_ROOT / folder).rglob("*.py"):
            used |= set(re.findall(r'(?:i18n\.get|LazyFilter)\(\s*"([a-z0-9-]+)"',
                                   path.read_text(encoding="utf-8")))
    used |= {f"role-{role.value}" for role in Role}
    form = ProfileForm.from_file(PROJECT_ROOT / "content" / "profile.yaml")
    used |= {f"profile-field-{question.id}" for question in form.questions}
    used |= {f"error-{code}" for code in ERROR_CODES}
    used |= {f"cmd-{name}" for name in USER_COMMANDS + CURATOR_COMMANDS}
    used |= {f"form-{form.value}" for form in Form}
    used |= {f"messenger-{messenger.value}" for messenger in Messenger}
    used |= {f"variant-{variant}" for variant in Variant}
    used |= {f"pair-status-{status.value}" for status in PairStatus}
    used |= {f"pair-side-{side}" for side in (MENTOR, MENTEE)}
    used |= {f"match-reason-{code.value}" for code in matching.ReasonCode}
    used |= {f"area-{area}" for area in SHIPPED.purposes.areas}
    assert len(used) > 60
    assert used - message_ids("ru") == set()


def test_every_answer_error_code_is_known_here():
    raised = set()
    for folder in CODE_DIRS:
        for path in (PROJECT_ROOT / folder).rglob("*.py"):
            raised |= set(re.findall(r'AnswerError\("([a-z-]+)"', path.read_text(encoding="utf-8")))
    assert len(raised) >= 10 and raised <= ERROR_CODES


# Where a call takes a locale key: the function's name and the key's position or keyword.
KEY_ARGUMENTS = {"get": 0, "LazyFilter": 0, "owe": 4, "localized": 0, "button": 0,
                 "plain_text": 1}
KEY_KEYWORDS = {"key", "text_key"}


def keys_in_calls() -> tuple[set[str], set[str], int]:
    """Keys given to the calls above, as literals and as f-strings (their constant start, which
    some message must begin with), wherever the code builds them; and how many calls were read."""
    literals, prefixes, calls = set(), set(), 0
    for folder in CODE_DIRS:
        for path in (PROJECT_ROOT / folder).rglob("*.py"):
            for node in python_ast.walk(python_ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, python_ast.Dict):
                    # A parameter that is itself a message: {"key": …, "params": …}.
                    given = [value for key, value in zip(node.keys, node.values, strict=True)
                             if isinstance(key, python_ast.Constant) and key.value == "key"]
                    literals, prefixes, calls = read_keys(given, literals, prefixes, calls)
                    continue
                if not isinstance(node, python_ast.Call):
                    continue
                name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
                if name == "get" and "i18n" not in python_ast.unparse(node.func.value):
                    continue  # a dict's get, not a message's
                if name == "button" and not (node.args and python_ast.unparse(
                        node.args[0]).lstrip("f").strip("\"'").startswith("button-")):
                    continue  # a view's own helper of that name (handlers.pairs)
                given = [keyword.value for keyword in node.keywords
                         if keyword.arg in KEY_KEYWORDS]
                position = KEY_ARGUMENTS.get(name)
                if position is not None and len(node.args) > position:
                    given.append(node.args[position])
                literals, prefixes, calls = read_keys(given, literals, prefixes, calls)
    return literals, prefixes, calls


def read_keys(given: list[python_ast.expr], literals: set[str], prefixes: set[str],
              calls: int) -> tuple[set[str], set[str], int]:
    """The keys among these expressions; both sides of `"a" if … else "b"` are keys."""
    for value in given:
        if isinstance(value, python_ast.IfExp):
            literals, prefixes, calls = read_keys([value.body, value.orelse], literals,
                                                  prefixes, calls)
        elif isinstance(value, python_ast.Constant) and isinstance(value.value, str) \
                and re.fullmatch(r"[a-z][a-z0-9-]+", value.value):
            literals.add(value.value)
            calls += 1
        elif isinstance(value, python_ast.JoinedStr) and value.values and \
                isinstance(value.values[0], python_ast.Constant):
            prefixes.add(value.values[0].value)
            calls += 1
    return literals, prefixes, calls


def test_keys_given_to_owe_localized_buttons_and_fstrings_exist():
    literals, prefixes, calls = keys_in_calls()
    known = message_ids("ru")
    assert calls > 200 and any(key.startswith("pair-") for key in literals)
    assert literals - known == set()
    assert {prefix for prefix in prefixes
            if not any(message.startswith(prefix) for message in known)} == set()


def fstring_keys() -> set[tuple[str, str]]:
    """The keys the code builds with f-strings, as (constant start, constant end) around the
    one value put in: ("button-pair-", "-sure") for f"button-pair-{act}-sure"."""
    shapes = set()
    for folder in CODE_DIRS:
        for path in (PROJECT_ROOT / folder).rglob("*.py"):
            for node in python_ast.walk(python_ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, python_ast.JoinedStr) or len(node.values) < 2:
                    continue
                first, last = node.values[0], node.values[-1]
                if not (isinstance(first, python_ast.Constant)
                        and re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*-", first.value)):
                    continue
                end = last.value if isinstance(last, python_ast.Constant) else ""
                shapes.add((first.value, end))
    return shapes


def key_families() -> dict[tuple[str, str], set[str]]:
    """Every value each f-string key of the code is built with, spelled out here (from the
    code's own enums and tuples where it has them), so that a missing message fails."""
    from handlers.callbacks import MeetAnswer, PairAct, ReminderAnswer
    from handlers.meeting_settings import REMINDER_CHOICES, ZONES
    from handlers.screens import CURATOR_SHORTCUTS
    from services.invites import InviteProblem
    from services.meetings import MODELS, REPEAT_DAYS, MeetingStatus
    from services.outreach import BROADCAST, REMIND
    from services.pairs import AGREED, DECLINED
    from services.surveys import Status

    confirmed = {PairAct.END, PairAct.REASSIGN, PairAct.CANCEL}
    asked = {PairAct.ORDER, PairAct.UNTIL}
    form = ProfileForm.from_file(PROJECT_ROOT / "content" / "profile.yaml")
    values = {
        ("area-", ""): set(SHIPPED.purposes.areas),
        ("button-meet-", ""): set(MeetAnswer) | set(ReminderAnswer),
        ("button-pair-", ""): set(PairAct),
        ("button-pair-", "-sure"): confirmed,
        ("pair-confirm-", ""): confirmed,
        ("pair-ask-", ""): asked,
        ("card-consent-", ""): {AGREED, DECLINED, "waiting"},
        ("card-survey-", ""): set(Status),
        ("card-mentor-", ""): set(MentorDetail),
        ("card-button-mentor-", ""): set(MentorDetail),
        ("mentor-detail-ask-", ""): set(MentorDetail),
        ("mentor-detail-saved-", ""): set(MentorDetail),
        ("button-curator-", ""): set(CURATOR_SHORTCUTS),
        ("cmd-", ""): set(USER_COMMANDS + CURATOR_COMMANDS),
        ("desk-chart-", ""): {"deficits", "satisfaction", "meetings"},
        ("error-", ""): ERROR_CODES,
        ("form-", ""): set(Form),
        ("invite-problem-", ""): set(InviteProblem),
        ("kpi-", ""): {"young_involved", "teachers_involved", "young_retained",
                       "deficits_improved"},
        ("compare-kpi-", ""): {"young_involved", "teachers_involved", "young_retained",
                               "deficits_improved"},
        ("year-kpi-", ""): {"young_involved", "teachers_involved", "young_retained",
                            "deficits_improved"},
        ("year-column-", ""): {"figure", "value", "target", "reached"},
        ("match-reason-", ""): set(matching.ReasonCode),
        ("meeting-followup-", ""): {MENTOR, MENTEE},
        ("meeting-status-", ""): set(MeetingStatus),
        ("mydata-side-", ""): {MENTOR, MENTEE},
        ("language-name-", ""): set(SUPPORTED_LOCALES),
        ("messenger-", ""): set(Messenger),
        ("contact-", ""): set(Messenger),
        ("contact-", "-username"): set(Messenger),
        ("model-", ""): set(MODELS),
        ("outreach-kind-", ""): {REMIND, BROADCAST},
        ("pair-side-", ""): {MENTOR, MENTEE},
        ("pair-status-", ""): set(PairStatus),
        ("profile-field-", ""): {question.id for question in form.questions},
        ("remind-", ""): {str(minutes) for minutes in REMINDER_CHOICES},
        ("repeat-", ""): set(REPEAT_DAYS),
        ("role-", ""): set(Role),
        ("variant-", ""): set(Variant),
        ("zone-", ""): {zone.split("/")[1].lower() for zone in ZONES},
    }
    return {shape: {str(value) for value in family} for shape, family in values.items()}


def test_every_key_built_with_an_fstring_exists_for_each_value():
    """f"error-{code}" is checked value by value: a prefix that some message begins with (the
    check above) would let a missing «error-…» through."""
    families = key_families()
    shapes = fstring_keys()
    assert len(shapes) > 20
    assert shapes - set(families) == set(), "spell out the values of these keys here"
    known = message_ids("ru")
    missing = {start + value + end for (start, end), family in families.items()
               for value in family} - known
    assert missing == set()


def test_the_fstring_check_would_catch_a_missing_key(monkeypatch):
    families = key_families()
    families[("error-", "")] = families[("error-", "")] | {"no-such-code"}
    monkeypatch.setattr("tests.test_locales.key_families", lambda: families)
    with pytest.raises(AssertionError):
        test_every_key_built_with_an_fstring_exists_for_each_value()
