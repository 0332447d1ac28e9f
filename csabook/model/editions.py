"""Editions: one (year, district) pair each, defined by a file params/<year>/<district>.yml."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from csabook.model.loader import COUNTY
from csabook.model.districts import COUNTY_NAME, load_register
from csabook.errors import DataError, Problem, SelectionError
from csabook.paths import Project, get_project, parse_year, write_atomic
from csabook.model.readers import read_yaml

PARAM_KEYS = {"year", "district"}


@dataclass(frozen=True, order=True)
class Edition:
    year: int
    district: str
    name: str = field(default="", compare=False)  # the district's register name

    @cached_property
    def key(self) -> str:
        """"<year>/<district>": how the build and its messages name the edition, and where it lies under each
        output folder (its book under book/, its published link under the site). Made once: a build that changes
        nothing asks it of every edition several times."""
        return f"{self.year}/{self.district}"

    @property
    def stem(self) -> str:
        """"<year>-<district>": the edition as one file or folder name, for what is kept per edition (its Sphinx
        environment, build record, last print, published versions)."""
        return f"{self.year}-{self.district}"

    @property
    def is_county(self) -> bool:
        return self.district == COUNTY

    def label(self) -> str:
        """How readers see the edition's name."""
        place = COUNTY_NAME if self.is_county else (self.name or self.district)
        return f"{place} edition {self.year}"

    def parameters(self) -> dict:
        return {"year": self.year, "district": self.district}


def read_params(path: Path, project: Project, names: dict[str, str] | None = None) -> Edition:
    """The edition a params file defines; its keys must agree with its folder and file name."""
    shown = project.relative(path)
    parsed = read_yaml(path, shown)
    content = parsed.content
    if not isinstance(content, dict):
        raise DataError([Problem(shown, "line 1", "the top level is not a mapping", "year: and district: keys")])
    problems = []
    for key in sorted(PARAM_KEYS - set(content)):
        problems.append(Problem(shown, "", f"missing key '{key}'", "year: <YYYY> and district: <slug>"))
    for key in sorted(set(content) - PARAM_KEYS):
        problems.append(Problem(shown, f"line {parsed.lines.get((key,))} ({key})", f"unknown key '{key}'",
                                "only year and district"))
    if problems:
        raise DataError(problems)
    year, district = content["year"], content["district"]
    folder_year = parse_year(path.parent.name)
    if isinstance(year, bool) or not isinstance(year, int) or year != folder_year:
        problems.append(Problem(shown, f"line {parsed.lines.get(('year',))} (year)", f"year {year!r} does not match "
                                f"its folder '{path.parent.name}'", "the year of the folder"))
    if district != path.stem:
        problems.append(Problem(shown, f"line {parsed.lines.get(('district',))} (district)",
                                f"district {district!r} does not match the file name", f"'{path.stem}'"))
    names = names if names is not None else _register_names(project)
    if district != COUNTY and district not in names:
        problems.append(Problem(shown, f"line {parsed.lines.get(('district',))} (district)",
                                f"district {district!r} is not in the district register",
                                f"'county' or a slug listed in data/register.yml: {', '.join(names)}"))
    if problems:
        raise DataError(problems)
    return Edition(int(year), str(district), COUNTY_NAME if district == COUNTY else names[district])


def _register_names(project: Project) -> dict[str, str]:
    return {d.slug: d.name for d in load_register(project).districts}


def discover_editions(project: Project | None = None) -> list[Edition]:
    """Every edition defined under params/, sorted by year then district (county first)."""
    project = project or get_project()
    names = _register_names(project)
    found, problems = [], []
    if project.params.is_dir():
        for path in sorted(project.params.glob("*/*.yml")):
            if str(parse_year(path.parent.name)) == path.parent.name:
                try:
                    found.append(read_params(path, project, names))
                except DataError as exc:
                    problems.extend(exc.problems)
    if problems:
        raise DataError(problems)
    return sorted(found, key=lambda e: (e.year, not e.is_county, e.district))


def districts_in_year(year: int, project: Project | None = None) -> list[str]:
    """The districts (not the county) that have an edition or an overlay folder in `year`, sorted."""
    project = project or get_project()
    overlays = project.data / str(year) / "districts"
    found = {d.name for d in overlays.iterdir() if d.is_dir()} if overlays.is_dir() else set()
    found |= {e.district for e in discover_editions(project) if e.year == year and not e.is_county}
    return sorted(found)


def params_text(year: int, district: str) -> str:
    return f"# The {year} edition for {district}. Written by `csabook params`.\nyear: {year}\ndistrict: {district}\n"


def write_params(year: int | None = None, project: Project | None = None) -> tuple[list[Path], list[Path]]:
    """Write params/<year>/<slug>.yml for the county and every registered district.

    Years: `year`, else every year that has a county edition. Returns (written, unchanged); an existing file
    with the right content is left alone, so the command can be run at any time.
    """
    project = project or get_project()
    slugs = [COUNTY] + list(_register_names(project))
    if year is None:
        years = sorted(y for p in project.params.glob(f"*/{COUNTY}.yml")
                       if str(y := parse_year(p.parent.name)) == p.parent.name)
        if not years:
            raise SelectionError("no county edition is defined, so there is no year to write parameters for",
                                 hint="Give --year, for example: csabook params --year 2022")
    else:
        if parse_year(year) is None or not (project.data / str(year) / COUNTY).is_dir():
            raise SelectionError(f"no county data for the year {year!r}: data/{year}/county/ does not exist",
                                 hint="Parameters are written for a year with data: create it first with "
                                      "csabook new-year YEAR.")
        years = [int(year)]
    written, unchanged = [], []
    for y in years:
        for slug in slugs:
            path = project.params / str(y) / f"{slug}.yml"
            text = params_text(y, slug)
            if path.is_file() and path.read_text(encoding="utf-8") == text:
                unchanged.append(path)
                continue
            if path.is_file():
                read_params(path, project)  # a hand-edited file must still be valid before it is replaced
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, text)
            written.append(path)
    return written, unchanged


def select_editions(year: str | int | None = None, district: str | None = None,
                    project: Project | None = None) -> list[Edition]:
    """The editions named by --year (Y or all) and --district (slug, county or all).

    Defaults: every year, county only. Anything not defined in params/ is an error listing the valid values.
    """
    project = project or get_project()
    editions = discover_editions(project)
    years = sorted({e.year for e in editions})
    districts = sorted({e.district for e in editions}, key=lambda d: (d != COUNTY, d))
    if not editions:
        raise SelectionError("no editions are defined: params/<year>/<district>.yml is missing",
                             hint="Create params/2022/county.yml with 'year: 2022' and 'district: county'.")
    year_text = "all" if year is None else str(year).strip()
    if year_text != "all":
        if parse_year(year_text) not in years:
            raise SelectionError(f"unknown year {str(year)!r}; expected one of: all, "
                                 + ", ".join(str(y) for y in years))
        editions = [e for e in editions if e.year == int(year_text)]
    district_text = COUNTY if district is None else str(district)
    if district_text != "all":
        registered = [COUNTY] + list(_register_names(project))
        if district_text not in registered:
            raise SelectionError(f"unknown district {district_text!r}; expected one of: all, " + ", ".join(registered))
        if district_text not in districts:
            raise SelectionError(f"district {district_text!r} has no edition: params/<year>/{district_text}.yml is "
                                 "missing", hint="Run 'csabook params' to write the parameters of every district.")
        editions = [e for e in editions if e.district == district_text]
    if not editions:
        raise SelectionError(f"no edition for year {year_text} and district {district_text}; defined editions: "
                             + ", ".join(e.key for e in discover_editions(project)))
    return editions


def pdf_name(year, district: str) -> str:
    """The file name of an edition's PDF, published at the root of the edition's site."""
    return f"kent-csa-{year}-{district}.pdf"
