"""The layered loader: county data for a year, with an optional district overlay, read into typed records."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from csabook.model import reads, schema
from csabook.errors import DataError, Problem
from csabook.paths import Project, get_project, parse_year
from csabook.model.readers import Parsed, read_csv, read_yaml
from csabook.model.reads import listing
from csabook.model.textrules import text_problems

COUNTY = "county"


@dataclass(frozen=True)
class FileRead:
    """A data file an edition read: for provenance and cache keys."""

    name: str
    path: str
    sha256: str
    origin: str  # "county" or "local"


def layer_dirs(project: Project, year: int, district: str) -> list[tuple[str, Path]]:
    """The folders of an edition's layers, most specific first."""
    county = project.data / str(year) / COUNTY
    if district == COUNTY:
        return [("county", county)]
    return [("local", project.data / str(year) / "districts" / district), ("county", county)]


def _place(parsed: Parsed, loc: tuple) -> str:
    """'line N (a.b.0.c)': where key path `loc` stands in a YAML file."""
    line = parsed.line_of(loc)
    key = ".".join(str(p) for p in loc if p != "__root__")
    where = f"line {line}" if line else ""
    return (f"{where} ({key})" if where else key) if key else where


def _problems_from_validation(exc: ValidationError, parsed: Parsed, shown: str) -> list[Problem]:
    problems = []
    for error in exc.errors():
        loc, what, expected = schema.describe_error(error)
        problems.append(Problem(shown, _place(parsed, loc), what, expected))
    return problems


def load_file(path: Path, spec: schema.FileSpec, shown: str) -> tuple[object, str]:
    """Read and validate one data file: (its content, the sha256 of its bytes).

    Raises DataError listing every problem found in the file.
    """
    if spec.is_table:
        parsed = read_csv(path, shown, spec.columns)
        problems = text_problems(parsed.content, shown, lambda p: f"line {parsed.lines.get(p[:1])} (row {p[0] + 1}, "
                                                                  f"column {p[1]})")
        if problems:
            raise DataError(problems)
        rows = []
        for i, raw in enumerate(parsed.content):
            try:
                rows.append(spec.model.model_validate(raw))
            except ValidationError as exc:
                line = parsed.lines.get((i,))
                for error in exc.errors():
                    loc, what, expected = schema.describe_error(error)
                    column = ".".join(str(part) for part in loc)
                    problems.append(Problem(shown, f"line {line} (row {i + 1}, column {column})", what, expected))
        if not problems:  # rows and their lines correspond only when every row is valid
            problems = _repeated_keys(rows, spec, parsed, shown)
        if problems:
            raise DataError(problems)
        return tuple(rows), parsed.sha256
    parsed = read_yaml(path, shown)
    if not isinstance(parsed.content, dict):
        raise DataError([Problem(shown, "line 1", "the top level is not a mapping", "keys such as 'source:' and 'title:'")])
    problems = text_problems(parsed.content, shown, lambda p: _place(parsed, p))
    if problems:
        raise DataError(problems)
    try:
        content = spec.model.model_validate(parsed.content)
    except ValidationError as exc:
        raise DataError(_problems_from_validation(exc, parsed, shown)) from None
    if spec.headings and len(content.columns) != spec.headings:
        raise DataError([Problem(shown, _place(parsed, ("columns",)), f"{len(content.columns)} column heading(s)",
                                 f"{spec.headings}, one for each column its chapter shows")])
    return content, parsed.sha256


def _repeated_keys(rows: list, spec: schema.FileSpec, parsed: Parsed, shown: str) -> list[Problem]:
    """A row whose key columns (spec.key) repeat an earlier row's: a table shows each thing once."""
    problems, first = [], {}
    for i, row in enumerate(rows if spec.key else ()):
        key = tuple(getattr(row, name) for name in spec.key)
        if key in first:
            problems.append(Problem(shown, f"line {parsed.lines.get((i,))}", f"{', '.join(spec.key)} "
                                    f"'{' / '.join(map(str, key))}' repeats line {first[key]}", "each row once"))
        first.setdefault(key, parsed.lines.get((i,)))
    return problems


class EditionData:
    """An edition's data. Files load on first use; each file read is recorded in `reads` and in the read log."""

    def __init__(self, year: int, district: str = COUNTY, project: Project | None = None):
        self.project = project or get_project()
        self.year = int(year)
        self.district = district
        self._layers = layer_dirs(self.project, self.year, district)
        self._loaded: dict[str, object] = {}
        self.reads: dict[str, FileRead] = {}

    def locate(self, name: str) -> tuple[str, Path] | None:
        """(origin, path) of the file that supplies `name` in this edition, or None."""
        spec = schema.FILES[name]
        layers = self._layers
        if name in schema.SAME_LAYER_AS:  # only beside the file it belongs to
            anchor = self.locate(schema.SAME_LAYER_AS[name])
            layers = [(o, f) for o, f in layers if anchor is not None and o == anchor[0]]
        for origin, folder in layers:
            if origin == COUNTY and name in schema.DISTRICT_ONLY:
                continue
            path = folder / spec.filename
            if path.is_file():
                reads.note(self.project, path, "present")
                return origin, path
            reads.note(self.project, path, "absent")
        return None

    def has(self, name: str) -> bool:
        return self.locate(name) is not None

    def origin(self, name: str) -> str | None:
        found = self.locate(name)
        return found[0] if found else None

    def get(self, name: str):
        """The validated content of data file `name` (a model, or a tuple of row models for a table)."""
        if name not in self._loaded:
            found = self.locate(name)
            if found is None:
                folders = " or ".join(self.project.relative(f / schema.FILES[name].filename) for _, f in self._layers)
                raise DataError([Problem(folders, "", f"the data file for '{name}' is missing",
                                         "the file to exist for this edition")])
            origin, path = found
            shown = self.project.relative(path)
            outside_project(path, self.project)
            self._loaded[name], digest = load_file(path, schema.FILES[name], shown)
            self.reads[name] = FileRead(name, shown, digest, origin)
            reads.note(self.project, path, "sha256:" + digest)
        return self._loaded[name]

    def __getattr__(self, name: str):
        if name.startswith("_") or name not in schema.FILES:
            raise AttributeError(name)
        return self.get(name)

    def table(self, name: str):
        """A CSV table as a pandas DataFrame of its published columns (without provenance columns)."""
        import pandas as pd

        rows = self.get(name)
        spec = schema.FILES[name]
        columns = [c for c in spec.columns if c not in ("source", "page")]
        return pd.DataFrame([r.model_dump(by_alias=True) for r in rows], columns=columns + ["source", "page"])[columns]


def load_project_file(spec: schema.FileSpec, project: Project, what: str, expected: str):
    """A project-wide data file, data/<spec.filename> (the district register, the agencies): validated, parsed once
    while the file is unchanged, and its read logged. A missing file is a DataError saying `what`, `expected`."""
    path = project.data / spec.filename
    shown = project.relative(path)
    if not path.is_file():
        reads.note(project, path, "absent")
        raise DataError([Problem(shown, "", what, expected)])
    stat = path.stat()
    content, digest = _read_project_file(path, spec.name, shown, stat.st_mtime_ns, stat.st_size)
    reads.note(project, path, "sha256:" + digest)
    return content


@functools.lru_cache(maxsize=16)
def _read_project_file(path: Path, name: str, shown: str, mtime_ns: int, size: int) -> tuple[object, str]:
    """Many pages and checks read these files: parse each once while it is unchanged (its size and mtime)."""
    return load_file(path, schema.PROJECT_FILES[name], shown)


def outside_project(path: Path, project: Project) -> None:
    """Refuse a data file that is a link to somewhere outside the project: it is neither read nor shown."""
    if path.is_symlink() and not path.resolve().is_relative_to(project.root.resolve()):
        raise DataError([Problem(project.relative(path.parent) + "/" + path.name, "",
                                 "the file is a link to a file outside the project",
                                 "a file inside the project (copy the file in instead of linking to it)")])


def open_edition(year: int, district: str = COUNTY, project: Project | None = None) -> EditionData:
    """What a notebook calls to get its edition's data."""
    return EditionData(year, district, project)


def available_years(project: Project | None = None) -> list[int]:
    project = project or get_project()
    names = listing(project.data)
    reads.note(project, project.data, "list:" + ",".join(names))
    return sorted(y for n in names if (y := parse_year(n)) is not None and str(y) == n and (project.data / n).is_dir())


def reference_priorities(data: EditionData) -> tuple[dict[str, str], str]:
    """The CSA priorities in force for the edition's year: its own, else the latest earlier year's."""
    for year in sorted((y for y in available_years(data.project) if y <= data.year), reverse=True):
        source = data if year == data.year else EditionData(year, COUNTY, data.project)
        if source.has("priorities"):
            prios = source.get("priorities").priorities
            return {p.id: p.name for p in prios}, source.reads["priorities"].path
    return {}, "no priorities.yml for this or an earlier year"
