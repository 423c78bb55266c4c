"""The demo: the real bot in a local Telegram with a page in the browser (`python -m bot demo`,
or `python -m bot` with no token set)."""
