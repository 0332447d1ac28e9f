"""The layered loader: county data for a year, with an optional district overlay, read into typed records."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from . import schema
from .errors import DataError, Problem
from .paths import Project, get_project, parse_year
from .readers import Parsed, read_csv, read_yaml
from .textrules import text_problems

COUNTY = "county"


@dataclass(frozen=True)
class FileRead:
    """A data file an edition read: for provenance and cache keys."""

    name: str
    path: str
    sha256: str
    origin: str  # "county" or "local"


class Dependencies:
    """Every data file a process looked for or read, with its fingerprint, for the execution cache.

    A fingerprint is 'sha256:<hex>' for a file read, 'present' or 'absent' for a file only looked for, and
    'list:<names>' for a folder listed. Paths are relative to the project root.
    """

    def __init__(self):
        self.seen: dict[str, str] = {}

    def note(self, project: Project, path: Path, fingerprint: str) -> None:
        key = project.relative(path)
        if fingerprint in ("present", "absent") and self.seen.get(key, "").startswith("sha256:"):
            return
        self.seen[key] = fingerprint

    def clear(self) -> None:
        self.seen.clear()

    def snapshot(self) -> dict[str, str]:
        return dict(sorted(self.seen.items()))


DEPENDENCIES = Dependencies()


def fingerprint(path: Path, kind: str) -> str:
    """The current fingerprint of `path` in the form recorded as `kind` (see Dependencies)."""
    if kind.startswith("sha256:"):
        return "sha256:" + sha256_of(path) if path.is_file() else "absent"
    if kind.startswith("list:"):
        return "list:" + ",".join(_listing(path))
    return "present" if path.is_file() else "absent"


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


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
        problems += _repeated_keys(rows, spec, parsed, shown)
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
    for i, row in enumerate(rows):
        key = tuple(getattr(row, name) for name in spec.key)
        if not spec.key:
            break
        if key in first:
            problems.append(Problem(shown, f"line {parsed.lines.get((i,))}", f"{', '.join(spec.key)} "
                                    f"'{' / '.join(map(str, key))}' repeats line {first[key]}", "each row once"))
        first.setdefault(key, parsed.lines.get((i,)))
    return problems


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class EditionData:
    """An edition's data. Files load on first use; each file read is recorded in `reads`."""

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
        for origin, folder in self._layers:
            if origin == COUNTY and name in schema.DISTRICT_ONLY:
                continue
            path = folder / spec.filename
            if path.is_file():
                DEPENDENCIES.note(self.project, path, "present")
                return origin, path
            DEPENDENCIES.note(self.project, path, "absent")
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
            DEPENDENCIES.note(self.project, path, "sha256:" + digest)
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


def outside_project(path: Path, project: Project) -> None:
    """Refuse a data file that is a link to somewhere outside the project: it is neither read nor shown."""
    if path.is_symlink() and not path.resolve().is_relative_to(project.root.resolve()):
        raise DataError([Problem(project.relative(path.parent) + "/" + path.name, "",
                                 "the file is a link to a file outside the project",
                                 "a file inside the project (copy the file in instead of linking to it)")])


def layer_file_problems(project: Project, folder: Path, county: bool) -> list[Problem]:
    """Problems with the files of one layer folder as files: unknown names, district-only files in the county
    layer, anything but a regular file where a data file belongs, and (county) files its year's kind lacks."""
    problems = []
    entries = sorted(folder.iterdir()) if folder.is_dir() else []
    for path in entries:
        shown = project.relative(path.parent) + "/" + path.name
        spec = schema.FILES_BY_FILENAME.get(path.name)
        if spec is None:
            if path.name != "README.md" and not (path.is_dir() and not county):
                problems.append(Problem(shown, "", "unknown data file",
                                        "one of " + ", ".join(sorted(schema.FILES_BY_FILENAME))))
        elif not path.is_file():
            problems.append(Problem(shown, "", "this is a folder or a special file, not a data file",
                                    f"{path.name} to be a regular file"))
        elif spec.name in schema.DISTRICT_ONLY and county:
            problems.append(Problem(shown, "", "a district-only file in the county layer",
                                    f"{path.name} only in data/<year>/districts/<slug>/"))
    if county and folder.is_dir():
        names = {p.name for p in entries}
        for kind, marker, required in schema.YEAR_KINDS:
            if schema.FILES[marker].filename in names:
                for name in required:
                    if schema.FILES[name].filename not in names:
                        problems.append(Problem(project.relative(folder) + "/" + schema.FILES[name].filename, "",
                                                "the file is missing",
                                                f"every file of {kind} (the folder holds "
                                                f"{schema.FILES[marker].filename})"))
                break
        else:
            problems.append(Problem(project.relative(folder), "", "the folder holds none of "
                                    + ", ".join(schema.FILES[m].filename for _, m, _ in schema.YEAR_KINDS),
                                    "the files of a CSA year, an action-plan year or a year of the priorities "
                                    "history (see data/README.md)"))
    return problems


def open_edition(year: int, district: str = COUNTY, project: Project | None = None) -> EditionData:
    """What a notebook calls to get its edition's data."""
    return EditionData(year, district, project)


def available_years(project: Project | None = None) -> list[int]:
    project = project or get_project()
    names = _listing(project.data)
    DEPENDENCIES.note(project, project.data, "list:" + ",".join(names))
    return sorted(y for n in names if (y := parse_year(n)) is not None and str(y) == n and (project.data / n).is_dir())


def reference_priorities(data: EditionData) -> tuple[dict[str, str], str]:
    """The CSA priorities in force for the edition's year: its own, else the latest earlier year's."""
    for year in sorted((y for y in available_years(data.project) if y <= data.year), reverse=True):
        source = data if year == data.year else EditionData(year, COUNTY, data.project)
        if source.has("priorities"):
            prios = source.get("priorities").priorities
            return {p.id: p.name for p in prios}, source.reads["priorities"].path
    return {}, "no priorities.yml for this or an earlier year"


def _same_name(name: str) -> str:
    """A name as compared across files: the published tables write "&" where the chapters write "and"."""
    return " ".join(name.replace("&", " and ").lower().split())


def _cross_checks(data: EditionData) -> list[Problem]:
    problems: list[Problem] = []

    def shown(name):
        return data.reads[name].path if name in data.reads else schema.FILES[name].filename

    if data.has("priorities"):
        prios = data.get("priorities")
        ids = {p.id: p.name for p in prios.priorities}
        if data.has("leads_table"):
            for i, row in enumerate(data.get("leads_table")):
                if row.priority_id not in ids:
                    problems.append(Problem(shown("leads_table"), f"row {i + 1} (priority_id)",
                                            f"'{row.priority_id}' is not a priority of {data.year}",
                                            f"one of {', '.join(ids)} (from {shown('priorities')})"))
                elif _same_name(row.priority) != _same_name(ids[row.priority_id]):
                    problems.append(Problem(shown("leads_table"), f"row {i + 1} (priority)",
                                            f"'{row.priority}' is not the name of priority '{row.priority_id}'",
                                            f"'{ids[row.priority_id]}' (from {shown('priorities')})"))
        if data.has("appendix_e"):
            tables = {t.id: t.items for t in data.get("appendix_e").tables}
            for tid, names, what in (("csa-priorities", list(ids.values()), "priorities"),
                                     ("csa-themes", [t.name for t in prios.themes], "themes")):
                if tid in tables and [n.rstrip() for n in tables[tid]] != names:
                    problems.append(Problem(shown("appendix_e"), f"tables.{tid}",
                                            f"the list differs from the {what} in {shown('priorities')}",
                                            "the same names in the same order"))
    if data.has("appendix_e"):
        from .markup import slug

        first: dict[str, str] = {}
        for table in data.get("appendix_e").tables:
            caption = table.heading.rstrip(":")  # the table's caption and download name in Appendix E
            if slug(caption) in first:
                problems.append(Problem(shown("appendix_e"), f"tables.{table.id}.heading",
                                        f"'{caption}' has the download name of '{first[slug(caption)]}'",
                                        "headings that differ in their letters or digits"))
            first.setdefault(slug(caption), caption)
    if data.has("action_plan"):
        known, where = reference_priorities(data)
        for i, group in enumerate(data.get("action_plan").groups):
            if group.priority_id is not None and group.priority_id not in known:
                problems.append(Problem(shown("action_plan"), f"groups[{i}].priority_id",
                                        f"'{group.priority_id}' is not a CSA priority",
                                        f"one of {', '.join(known)} (from {where})"))
    if data.has("strategic_assessment"):
        from .returns import short_issue, unknown_issues

        county = EditionData(data.year, COUNTY, data.project)
        if county.has("appendix_a_table"):
            issues = [r.issue for r in county.get("appendix_a_table")]
            for name in unknown_issues(list(data.get("strategic_assessment").identified), issues):
                problems.append(Problem(shown("strategic_assessment"), "identified",
                                        f"'{name}' is not an Appendix A issue of {data.year}",
                                        "one of: " + "; ".join(map(short_issue, issues))
                                        + f" (from {county.reads['appendix_a_table'].path})"))
    if data.has("morile_table"):
        ranks = [r.rank for r in data.get("morile_table")]
        if sorted(ranks) != list(range(1, len(ranks) + 1)) or ranks != sorted(ranks):
            problems.append(Problem(shown("morile_table"), "column rank", f"ranks {ranks}",
                                    f"1 to {len(ranks)} in order, each once"))
    if data.has("document"):
        doc = data.get("document")
        if str(data.year) not in doc.date:
            problems.append(Problem(shown("document"), "date", f"'{doc.date}' does not name {data.year}",
                                    f"a date in {data.year}, the year of the folder"))
    return problems


def _overlay_folder_problems(data: EditionData) -> list[Problem]:
    """Every folder under data/<year>/districts/ must be a registered district's slug."""
    from .districts import load_register

    folder = data.project.data / str(data.year) / "districts"
    names = [n for n in _listing(folder) if (folder / n).is_dir()]
    if not names:
        return []
    try:
        slugs = [d.slug for d in load_register(data.project).districts]
    except DataError as exc:
        return list(exc.problems)
    return [Problem(data.project.relative(folder / n), "", f"'{n}' is not a registered district",
                    "a folder named after a slug in data/register.yml: " + ", ".join(slugs))
            for n in names if n not in slugs]


def declared_documents(project: Project) -> tuple[set[str], list[Problem]]:
    """The ids of the source documents declared in data/documents.yml (and 'local'), with any problem reading it."""
    path = project.data / schema.DOCUMENTS.filename
    shown = project.relative(path)
    if not path.is_file():
        return set(), [Problem(shown, "", "the file is missing", "the list of source documents (see data/README.md)")]
    try:
        documents, _ = load_file(path, schema.DOCUMENTS, shown)
    except DataError as exc:
        return set(), list(exc.problems)
    return {d.id for d in documents.documents} | {schema.LOCAL_DOCUMENT}, []


def source_problems(data: "EditionData", declared: set[str]) -> list[Problem]:
    """Every file the edition read must name a declared source document (its `source`, or a table's column)."""
    problems = []
    for name, read in data.reads.items():
        content = data._loaded[name]
        if isinstance(content, tuple):  # a table: each row's source column
            named = [(f"row {i + 1} (source)", row.source) for i, row in enumerate(content)]
        else:
            named = [("source.document", content.source.document)] if hasattr(content, "source") else []
        for where, document in named:
            if document not in declared:
                problems.append(Problem(read.path, where, f"'{document}' is not a declared source document",
                                        "one of " + ", ".join(sorted(declared)) + " (see data/documents.yml)"))
    return problems


def validate_edition(year: int, district: str = COUNTY, project: Project | None = None) -> list[Problem]:
    """Every problem in an edition's data: each file's own, then the checks across its files.

    The checks across years are csabook.years.validate_editions'.
    """
    data = EditionData(year, district, project)
    problems: list[Problem] = []
    for origin, folder in data._layers:
        problems.extend(layer_file_problems(data.project, folder, county=origin == COUNTY))
    problems.extend(_overlay_folder_problems(data))
    failed = False
    for name in schema.FILES:
        if data.has(name):
            try:
                data.get(name)
            except DataError as exc:
                problems.extend(exc.problems)
                failed = True
    if not failed:
        from .review import review_problems

        declared, unreadable = declared_documents(data.project)
        problems.extend(unreadable or source_problems(data, declared))
        problems.extend(_cross_checks(data))
        problems.extend(review_problems(data))
    return problems
