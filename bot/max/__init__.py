"""The MAX channel, translated at the transport boundary: MAX's events become the aiogram updates
the Dispatcher already handles, and the Bot API methods the handlers call become MAX's calls
(see the README's Decisions)."""
