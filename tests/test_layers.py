"""Which package may import which: the layers the README's layout describes, and no cycle
between bot/ and handlers/ (bot/factory.py is the one place that wires handlers in)."""

import ast

from bot.config import PROJECT_ROOT


def imports_of(folder: str) -> dict[str, set[str]]:
    """Every module each file of the folder imports, at any depth (lazy imports included)."""
    found = {}
    for path in (PROJECT_ROOT / folder).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
        found[str(path.relative_to(PROJECT_ROOT))] = names
    return found


def importing(folder: str, *packages: str) -> dict[str, set[str]]:
    return {path: hits for path, names in imports_of(folder).items()
            if (hits := {name for name in names if name.split(".")[0] in packages})}


def test_only_the_factory_wires_handlers_into_bot():
    assert set(importing("bot", "handlers")) == {"bot/factory.py"}


def test_handlers_need_no_app_level_module_of_bot():
    wiring = {"bot.factory", "bot.jobs", "bot.running", "bot.__main__"}
    assert {path: hits & wiring for path, hits in importing("handlers", "bot").items()
            if hits & wiring} == {}


def test_domain_knows_neither_telegram_nor_the_database():
    assert importing("domain", "aiogram", "sqlalchemy", "bot", "handlers", "services",
                     "models") == {}


def test_services_know_nothing_of_telegram():
    assert importing("services", "aiogram", "aiogram_i18n", "bot", "handlers") == {}
