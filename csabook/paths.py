"""Where everything lives, found from the package (or CSABOOK_ROOT), never from the working directory."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import CsabookError

PACKAGE_ROOT = Path(__file__).resolve().parent.parent

YEARS = range(2000, 2100)
YEAR_RULE = f"a year of four digits from {YEARS.start} to {YEARS.stop - 1}"
_YEAR = re.compile(r"[0-9]{4}")  # ASCII digits only: str.isdigit() and int() also take '²⁰²²' and '２０２２'


def parse_year(value) -> int | None:
    """The year that a folder name, a params value or a command-line argument names, or None when it names none.

    The one rule for years everywhere: four ASCII digits within YEARS.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value in YEARS else None
    text = str(value).strip()
    return int(text) if _YEAR.fullmatch(text) and int(text) in YEARS else None


@dataclass(frozen=True)
class Project:
    """A csabook project folder: data, templates, parameters and build outputs."""

    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def params(self) -> Path:
        return self.root / "params"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def book(self) -> Path:
        return self.root / "book"

    @property
    def build(self) -> Path:
        return self.root / "_build"

    @property
    def site(self) -> Path:
        return self.build / "site"

    @property
    def staging(self) -> Path:
        return self.build / "staging"

    @property
    def config_template(self) -> Path:
        return self.root / "_config.yml"

    @property
    def toc_template(self) -> Path:
        return self.root / "_toc.yml"

    def relative(self, path: Path) -> str:
        """`path` relative to the project root where possible, for messages."""
        try:
            return str(Path(path).resolve().relative_to(self.root.resolve()))
        except ValueError:
            return str(path)


def get_project(root: str | os.PathLike | None = None) -> Project:
    """The project at `root`, else at $CSABOOK_ROOT, else the one this package was installed from.

    Raises CsabookError naming where the folder came from when it is not a project folder.
    """
    from_env = root is None and bool(os.environ.get("CSABOOK_ROOT"))
    chosen = root or os.environ.get("CSABOOK_ROOT") or PACKAGE_ROOT
    path = Path(chosen)
    if not (path / "data").is_dir():
        named = f"CSABOOK_ROOT={chosen}" if from_env else f"the project folder {chosen}"
        state = "does not exist" if not path.exists() else "is not a folder" if not path.is_dir() else "has no data/"
        raise CsabookError(f"{named} {state}; expected a csabook project folder, holding data/ and params/",
                           hint="Set CSABOOK_ROOT to the project folder, or unset it to use this checkout.")
    return Project(path.resolve())
