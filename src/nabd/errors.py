"""The one exception type a person sees: a message they can act on, printed as one line."""


class NabdError(Exception):
    """A problem with the user's input, files or setup, explained in one actionable sentence.

    ``NabdError("there is no user %(login)r", login=login)`` keeps the English template and its values
    apart, so a web page can show the message in the reader's language
    (:meth:`nabd.web.i18n.Language.error`); the CLI prints the English text.
    """

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message % values if values else message)
        self.template = message
        self.values = values
