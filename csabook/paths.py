"""Where everything lives: the project is found the way git finds a repository, and the package's own files."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from csabook.errors import CsabookError

PACKAGE = Path(__file__).resolve().parent  # the installed package: its static assets, never the project
STATIC = PACKAGE / "static"
PROJECT_MARKERS = ("_config.yml", "data/", "params/")  # what makes a folder a csabook project

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
    """A csabook project folder: data, templates, parameters and build outputs.

    `output` names a separate set of build outputs: "" for the published ones (book/, _build/site/), "preview" for
    `csabook preview`'s own (_build/preview/book/, _build/preview/site/), which never touch the published ones. The
    execution cache is shared: it is keyed by what each notebook read.
    """

    root: Path
    output: str = ""

    def outputs(self, name: str) -> "Project":
        """The same project with its build outputs under _build/<name>/."""
        return Project(self.root, name)

    @property
    def outputs_root(self) -> Path:
        """Where this project's build outputs live: _build/, or _build/<output>/."""
        return self.build / self.output if self.output else self.build

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
        return self.outputs_root / "book" if self.output else self.root / "book"

    @property
    def build(self) -> Path:
        return self.root / "_build"

    @property
    def site(self) -> Path:
        return self.outputs_root / "site"

    @property
    def staging(self) -> Path:
        return self.outputs_root / "staging"

    @property
    def sphinx(self) -> Path:
        """Each edition's Sphinx output and environment, kept between builds (incremental site builds)."""
        return self.outputs_root / "sphinx"

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


def is_project(folder: Path) -> bool:
    return (folder / "_config.yml").is_file() and (folder / "data").is_dir() and (folder / "params").is_dir()


def find_project(start: str | os.PathLike) -> Path | None:
    """The nearest folder at or above `start` holding _config.yml, data/ and params/, or None."""
    start = Path(start).resolve()
    return next((folder for folder in (start, *start.parents) if is_project(folder)), None)


def get_project(root: str | os.PathLike | None = None) -> Project:
    """The project at `root` (--project), else at $CSABOOK_ROOT, else the nearest one at or above the working folder.

    Raises CsabookError naming where the folder came from when it is not a project folder.
    """
    marks = ", ".join(PROJECT_MARKERS)
    if root is None and not os.environ.get("CSABOOK_ROOT"):
        found = find_project(Path.cwd())
        if found is None:
            raise CsabookError(f"no csabook project here: neither {Path.cwd()} nor a folder above it holds {marks}",
                               hint="Run csabook inside a project folder, or pass --project DIR (or set CSABOOK_ROOT).")
        return Project(found)
    from_env = root is None
    chosen = root if root is not None else os.environ["CSABOOK_ROOT"]
    path = Path(chosen)
    if not is_project(path):
        named = f"CSABOOK_ROOT={chosen}" if from_env else f"the project folder {chosen}"
        missing = [m for m in PROJECT_MARKERS if not (path / m.rstrip("/")).exists()]
        state = ("does not exist" if not path.exists() else "is not a folder" if not path.is_dir()
                 else f"has no {', '.join(missing)}" if missing else f"does not hold {marks} as expected")
        raise CsabookError(f"{named} {state}; expected a csabook project folder, holding {marks}",
                           hint="Pass --project DIR or set CSABOOK_ROOT to the project folder, or unset it and run "
                                "inside one.")
    return Project(path.resolve())


def write_if_changed(path: Path, data: str | bytes) -> bool:
    """Write `path` only when its bytes would change (so that its modification time says when it last changed);
    returns True when it was written. The write is atomic."""
    new = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if path.read_bytes() == new:
            return False
    except OSError:
        pass
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(new)
    os.replace(tmp, path)
    return True


def write_atomic(path: Path, text: str) -> None:
    """Write `path` whole or not at all: a reader, or a build killed meanwhile, never sees half a file."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
