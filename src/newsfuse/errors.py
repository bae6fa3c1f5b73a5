"""One error hierarchy, so every layer can turn known failures into a clean message."""

from __future__ import annotations


class NewsfuseError(Exception):
    """Base class of every error newsfuse raises on purpose."""


class InputError(NewsfuseError):
    """An input record or file that cannot be read; carries where it happened."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


class SettingsError(NewsfuseError):
    """A setting has a value newsfuse cannot use."""


class StoreError(NewsfuseError):
    """The database is unusable: wrong schema version, locked, or corrupt."""


class NotFoundError(NewsfuseError):
    """A story or article id that is not in the database."""


class MissingExtraError(NewsfuseError, ImportError):
    """An optional dependency is missing; the message names the extra to install."""
