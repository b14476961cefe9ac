"""Exception types raised by kbchat; entry points turn them into one sentence for a person."""


class KbchatError(Exception):
    """Base class of every error kbchat reports to a person."""


class ConfigError(KbchatError):
    """A setting has a value kbchat cannot use."""


class IndexMissingError(KbchatError):
    """No index has been built yet in the index folder."""


class ModelMismatchError(KbchatError):
    """The index was built with another embedding model than the one configured."""


class DocumentError(KbchatError):
    """A document could not be read."""


class IndexBusyError(KbchatError):
    """Another ingest run holds the index lock."""


class ModelLoadError(KbchatError):
    """The embedding model could not be loaded."""


class GenerationError(KbchatError):
    """The language-model server timed out, could not be reached, or answered with an error."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class StoreUnreachableError(KbchatError):
    """The Chroma server named by KBCHAT_CHROMA_URL cannot be reached or used."""
