"""Data years, with or without an edition: what `csabook validate` checks, and the checks that span years."""

from __future__ import annotations

from dataclasses import dataclass

from csabook.model import schema
from csabook.model.book import book_chapters, read_template
from csabook.model.loader import COUNTY, available_years
from csabook.model.reads import record_reads
from csabook.validation.edition import validate_edition
from csabook.model.editions import discover_editions, select_editions
from csabook.errors import DataError, Problem, SelectionError
from csabook.paths import YEAR_RULE, Project, parse_year


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


def validate_editions(editions: list[tuple[int, str]], project: Project,
                      reads: dict[tuple[int, str], dict[str, str]] | None = None) -> list[Problem]:
    """Every problem in the data of the given (year, district) editions, then the checks across years, once.

    What `csabook validate` and `csabook build` run. The cross-year checks (the priorities history) read every
    year's list, so they run once per call, not once per edition. `reads`, when given, gets what each edition's
    checks read (its read log).
    """
    from csabook.content.history import history_problems

    problems = folder_problems(project)
    for year, district in editions:
        if not (project.data / str(year) / COUNTY).is_dir():
            problems.append(Problem(f"params/{year}/{district}.yml", "", f"there is no data for {year}",
                                    f"data/{year}/county/ to exist (or the params/{year}/ files removed)"))
        else:
            with record_reads() as log:
                problems += validate_edition(year, district, project)
            if reads is not None:
                reads[(year, district)] = log.snapshot()
    problems += history_problems(project)
    if editions:  # the chapter templates the build would read
        names = book_chapters(project)
        problems += template_problems(project, [n for n in names if (project.notebooks / f"{n}.ipynb").exists()])
    return list(dict.fromkeys(problems))


def template_problems(project: Project, names: list[str]) -> list[Problem]:
    """Problems with the chapter templates `names` (from _toc.yml): each must be a readable notebook."""
    problems = []
    for name in names:
        try:
            read_template(project.notebooks / f"{name}.ipynb")
        except DataError as exc:
            problems.extend(exc.problems)
    return problems


# What data/ holds besides year folders: the project-wide files, the district template and notes.
KNOWN_IN_DATA = {*(spec.filename for spec in schema.PROJECT_FILES.values()), "district-template", *schema.LAYER_NOTES}


def folder_problems(project: Project) -> list[Problem]:
    """Folders under data/ and params/ that are not years: they would be skipped, or read as another year."""
    problems = []
    for top, known in ((project.data, KNOWN_IN_DATA), (project.params, set())):
        for path in sorted(top.iterdir()) if top.is_dir() else []:
            if path.name not in known and str(parse_year(path.name)) != path.name:
                problems.append(Problem(f"{top.name}/{path.name}", "", "not a year folder", YEAR_RULE))
    return problems


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
    if parse_year(year_text) in spare:
        if district_text not in (COUNTY, "all"):
            raise SelectionError(f"{year_text} has data but no edition, so no district {district_text!r}; "
                                 "expected --district county")
        editions, data_years = [], [parse_year(year_text)]
    else:
        editions = select_editions(year, district, project)
        data_years = spare if year_text == "all" and district_text in (COUNTY, "all") else []
    problems = validate_editions([(e.year, e.district) for e in editions] + [(y, COUNTY) for y in data_years], project)
    return Checked(tuple(e.key for e in editions), tuple(data_years), tuple(problems))
