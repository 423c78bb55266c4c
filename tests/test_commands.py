"""Commands are registered where a search for them finds them, and the menus name only those."""

import re

from aiogram.filters import Command

from bot.commands import CURATOR_COMMANDS, USER_COMMANDS
from bot.config import PROJECT_ROOT
from handlers import build_router, curators


def registered_commands() -> set[str]:
    found: set[str] = set()

    def walk(router) -> None:
        for handler in router.message.handlers:
            for flt in handler.filters or []:
                if isinstance(flt.callback, Command):
                    found.update(str(c) for c in flt.callback.commands)
        for child in router.sub_routers:
            walk(child)

    walk(build_router())
    return found


def test_every_command_is_written_out_where_it_is_registered():
    source = "\n".join(path.read_text(encoding="utf-8")
                       for path in (PROJECT_ROOT / "handlers").glob("*.py"))
    written = set(re.findall(r'Command\(((?:"[a-z_]+"(?:, )?)+)\)', source))
    literal = {name for group in written for name in re.findall(r'"([a-z_]+)"', group)}
    commands = registered_commands()
    assert set(curators.ACTIONS) <= commands
    assert commands - {"start"} <= literal  # /start comes through CommandStart()
    assert set(USER_COMMANDS + CURATOR_COMMANDS) <= commands
