"""What a use case raises when the request no longer fits the state of things."""


class StaleAction(Exception):
    """A button or answer that no longer fits: another person's, finished, or an older question;
    or something the access policy does not allow, answered in the same words."""
