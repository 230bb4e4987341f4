"""The one exception type a person sees: a message they can act on, printed as one line."""


class NabdError(Exception):
    """A problem with the user's input, files or setup, explained in one actionable sentence."""
