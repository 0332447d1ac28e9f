"""Data years, with or without an edition: what `csabook validate` checks, and the checks that span years."""

from __future__ import annotations

from dataclasses import dataclass

from .data import COUNTY, EditionData, available_years, validate_edition
from .editions import discover_editions, select_editions
from .errors import Problem, SelectionError
from .paths import Project


@dataclass(frozen=True)
class Checked:
    """What a validation covered: editions, and data years that have none (their county layer)."""

    editions: tuple[str, ...]
    data_years: tuple[int, ...]
    problems: tuple[Problem, ...]

    def summary(self) -> str:
        parts = [f"{len(self.editions)} edition(s) valid: " + ", ".join(self.editions)] if self.editions else []
        if self.data_years:
            parts.append("data without an edition valid: " + ", ".join(f"{y}/county" for y in self.data_years))
        return "; ".join(parts)


def year_checks(data: EditionData) -> list[Problem]:
    """Checks beyond one edition's files: the priorities history across years, and the layer's review list."""
    from .history import history_problems
    from .review import review_problems

    return history_problems(data.project) + review_problems(data)


def years_without_edition(project: Project) -> list[int]:
    with_edition = {e.year for e in discover_editions(project)}
    return [y for y in available_years(project) if y not in with_edition and (project.data / str(y) / COUNTY).is_dir()]


def validate_selection(year: str | int | None, district: str | None, project: Project) -> Checked:
    """Validate the editions chosen by --year/--district, and the county data of years that have no edition.

    A year with data but no edition can be named on its own (`--year 2019`); with --year all (the default) every
    such year is checked too, unless a district other than county is chosen.
    """
    spare = years_without_edition(project)
    year_text = "all" if year is None else str(year).strip()
    district_text = COUNTY if district is None else str(district)
    if year_text.isdigit() and int(year_text) in spare:
        if district_text not in (COUNTY, "all"):
            raise SelectionError(f"{year_text} has data but no edition, so no district {district_text!r}; "
                                 "expected --district county")
        editions, data_years = [], [int(year_text)]
    else:
        editions = select_editions(year, district, project)
        data_years = spare if year_text == "all" and district_text in (COUNTY, "all") else []
    problems = [p for e in editions for p in validate_edition(e.year, e.district, project)]
    problems += [p for y in data_years for p in validate_edition(y, COUNTY, project)]
    return Checked(tuple(e.key for e in editions), tuple(data_years), tuple(dict.fromkeys(problems)))
