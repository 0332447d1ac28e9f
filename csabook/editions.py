"""Editions: one (year, district) pair each, defined by a file params/<year>/<district>.yml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .data import COUNTY
from .errors import DataError, Problem, SelectionError
from .paths import Project, get_project
from .readers import read_yaml

PARAM_KEYS = {"year", "district"}
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True, order=True)
class Edition:
    year: int
    district: str

    @property
    def key(self) -> str:
        return f"{self.year}/{self.district}"

    @property
    def is_county(self) -> bool:
        return self.district == COUNTY

    def label(self) -> str:
        """How readers see the edition's name."""
        place = "Kent county" if self.is_county else self.district.replace("-", " ").title()
        return f"{place} edition {self.year}"

    def parameters(self) -> dict:
        return {"year": self.year, "district": self.district}


def read_params(path: Path, project: Project) -> Edition:
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
    folder_year = int(path.parent.name) if path.parent.name.isdigit() else None
    if isinstance(year, bool) or not isinstance(year, int) or year != folder_year:
        problems.append(Problem(shown, f"line {parsed.lines.get(('year',))} (year)", f"year {year!r} does not match "
                                f"its folder '{path.parent.name}'", "the year of the folder"))
    if district != path.stem:
        problems.append(Problem(shown, f"line {parsed.lines.get(('district',))} (district)",
                                f"district {district!r} does not match the file name", f"'{path.stem}'"))
    if problems:
        raise DataError(problems)
    return Edition(int(year), str(district))


def discover_editions(project: Project | None = None) -> list[Edition]:
    """Every edition defined under params/, sorted by year then district (county first)."""
    project = project or get_project()
    found = []
    if project.params.is_dir():
        for path in sorted(project.params.glob("*/*.yml")):
            if path.parent.name.isdigit():
                found.append(read_params(path, project))
    return sorted(found, key=lambda e: (e.year, not e.is_county, e.district))


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
        if not year_text.isdigit() or int(year_text) not in years:
            raise SelectionError(f"unknown year {str(year)!r}; expected one of: all, "
                                 + ", ".join(str(y) for y in years))
        editions = [e for e in editions if e.year == int(year_text)]
    district_text = COUNTY if district is None else str(district)
    if district_text != "all":
        if not _SLUG.match(district_text) or district_text not in districts:
            raise SelectionError(f"unknown district {district_text!r}; expected one of: all, " + ", ".join(districts))
        editions = [e for e in editions if e.district == district_text]
    if not editions:
        raise SelectionError(f"no edition for year {year_text} and district {district_text}; defined editions: "
                             + ", ".join(e.key for e in discover_editions(project)))
    return editions
