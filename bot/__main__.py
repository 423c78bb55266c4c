"""`python -m bot`: the bot in each messenger configured, or, with no token set, in the local
demo messenger in the browser; `python -m bot demo [--fresh]` runs the demo whatever is set."""

import argparse
import asyncio
import logging
import sys

from bot import redaction
from bot.config import ConfigError, load_settings
from bot.running import StartupError, run
from domain.questionnaire import DefinitionError

USAGE = "python -m bot [demo [--fresh]]"


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot", usage=USAGE, description=(
        "Runs the bot in Telegram (BOT_TOKEN) and/or MAX (MAX_TOKEN); with neither set, or "
        "with `demo`, in a local demo messenger in the browser."))
    parser.add_argument("mode", nargs="?", choices=["demo"],
                        help="run the local demo even if a token is set")
    parser.add_argument("--fresh", action="store_true",
                        help="start the demo over: forget its people, chats and time")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    given = arguments(sys.argv[1:] if argv is None else argv)
    try:
        settings = load_settings()
        demo = given.mode == "demo" or not settings.messengers
        if demo and given.mode != "demo" and settings.deployment:
            raise ConfigError(f"BOT_TOKEN is not set (or MAX_TOKEN), though "
                              f"{', '.join(settings.deployment)} is: put it in .env or the "
                              "environment (see .env.example); `python -m bot demo` runs the "
                              "local demo")
        if given.fresh and not demo:
            raise ConfigError("--fresh starts the demo over: python -m bot demo --fresh")
        # The demo's console shows its one line, not the bot's log.
        logging.basicConfig(level=logging.WARNING if demo else logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        redaction.install(settings)
        if demo:
            from bot.demo.run import run_demo

            asyncio.run(run_demo(settings, fresh=given.fresh))
        else:
            asyncio.run(run(settings))
    except (ConfigError, DefinitionError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except StartupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
