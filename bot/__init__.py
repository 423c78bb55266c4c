"""Composition of the bot: configuration, the app factory, middlewares and the entry point."""
