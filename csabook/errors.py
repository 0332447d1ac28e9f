"""One exception root. Every error names the file, the place in it, and what was expected."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Unicode's bidirectional overrides and isolates: they reorder what a terminal shows without being visible.
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def printable(text: str, keep: str = "") -> str:
    """`text` safe for a terminal: control characters (but those in `keep`) and bidi overrides shown as escapes,
    so that text from data can neither move the cursor, erase a line nor reorder what is shown."""
    if text.isprintable() and not _BIDI.intersection(text):
        return text
    return "".join(c if c in keep or (unicodedata.category(c) != "Cc" and c not in _BIDI)
                   else c.encode("unicode_escape").decode("ascii") for c in text)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one place: `file:location: what is wrong; expected ...`."""

    file: str
    location: str
    message: str
    expected: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.location}" if self.location else self.file
        text = f"{where}: {self.message}"
        return printable(f"{text}; expected {self.expected}" if self.expected else text)  # always one line


class CsabookError(Exception):
    """Base of every error csabook reports to a user."""

    hint: str = ""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.hint = hint or self.hint

    def report(self) -> str:
        text = str(self)
        return f"{text}\n{self.hint}" if self.hint else text


class DataError(CsabookError):
    """One or more problems in data files."""

    hint = "Fix the data file(s) named above, then run: csabook validate"

    def __init__(self, problems: list[Problem], hint: str = ""):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems), hint)


class SelectionError(CsabookError):
    """An unknown year, district or edition was asked for."""


class ExecutionError(CsabookError):
    """A notebook cell failed while executing an edition."""

    def __init__(self, edition: str, chapter: str, cell: int | None, error: str, notebook: str,
                 files: list[str] | tuple = ()):
        self.edition, self.chapter, self.cell, self.error, self.notebook = edition, chapter, cell, error, notebook
        self.files = tuple(files)  # the data files the chapter had read when it failed
        where = f"cell {cell}" if cell is not None else "an unknown cell"
        reading = f" (rendering {', '.join(self.files)})" if self.files else ""
        super().__init__(
            f"{edition}: chapter '{chapter}' failed in {where}{reading}: {error}",
            hint=f"The executed notebook, with the failing cell marked, is kept at {notebook}",
        )


class BuildError(CsabookError):
    """Jupyter Book or publishing failed."""
