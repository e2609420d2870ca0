"""One error tree for the whole project: library code raises these, the CLI and web app render them."""

from __future__ import annotations


class KGError(Exception):
    """Base class of every error kg raises on purpose."""


class ParseError(KGError):
    """A problem in an input document, located by file, line and (where known) column."""

    def __init__(
        self,
        message: str,
        filename: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.filename = filename
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = self.filename or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class UnknownFormatError(KGError):
    """A source's format could not be named or detected."""


class ConfigError(KGError):
    """A setting, manifest or curation file is wrong."""


class StoreError(KGError):
    """The triple store cannot be opened, built or switched."""


class UncertainUpdateError(StoreError):
    """An update reached the server but no answer came back: it may have run, or still be running."""


class BuildLockedError(StoreError):
    """Another build holds the store's lock."""


class QueryError(KGError):
    """A named query or its parameters are wrong, or the query failed."""


class AmbiguousParameterError(QueryError):
    """A person or venue parameter matched more than one entity."""

    def __init__(self, message: str, candidates: list[tuple[str, str]]) -> None:
        super().__init__(message)
        self.candidates = candidates


class LinkError(KGError):
    """An external service (ORCID, Wikidata) could not be reached or answered badly."""
