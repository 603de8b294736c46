class DomainError(ValueError):
    """A rule of the desk refused a change. Views and the API turn it into a 4xx with this message.

    ``field`` names the input at fault, when there is one.
    """

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
