"""The library API: what `csabook` on the command line does, callable from Python.

    import csabook

    problems = csabook.validate(year=2022)
    summary = csabook.build(year=2022, district="county", pdf=False)
    if not summary.ok:
        for failure in summary.failures:
            print(failure)

Every function takes `project`: a folder, or None for the project found the way git finds a repository (the nearest
folder at or above the working folder holding _config.yml, data/ and params/), unless CSABOOK_ROOT names one.
Results are frozen records. A function raises a CsabookError only for a request it cannot start (an unknown year or
district, a folder that is not a project, another build holding the lock); what goes wrong during a build is in its
Summary.
"""

from __future__ import annotations

import os
from pathlib import Path

from csabook.errors import Problem
from csabook.model.editions import Edition, discover_editions, select_editions, write_params
from csabook.paths import Project, get_project
from csabook.pipeline.build import Progress, Summary, build_editions
from csabook.tools.diff import YearDiff, compare_years
from csabook.tools.newyear import Scaffold, scaffold_year
from csabook.tools.preview import Preview
from csabook.tools.quarterly import Imported, ReturnStatus, Templates, import_returns, return_status, write_templates
from csabook.validation.selection import Checked, validate_selection

__all__ = ["Checked", "Edition", "Imported", "Problem", "ReturnStatus", "Scaffold", "Summary", "Templates", "YearDiff",
           "Preview", "build", "check", "diff", "editions", "import_return_workbooks", "new_year", "preview", "project_at",
           "returns_status",
           "return_templates", "validate", "write_params"]

Folder = str | os.PathLike | Project | None


def project_at(folder: Folder = None) -> Project:
    """The project at `folder`, else at $CSABOOK_ROOT, else the one at or above the working folder."""
    return folder if isinstance(folder, Project) else get_project(folder)


def build(year: int | str | None = None, district: str | None = None, *, project: Folder = None,
          jobs: int | None = None, force: bool = False, pdf: bool = True, progress: Progress | None = None) -> Summary:
    """Validate, execute, assemble and publish the editions chosen by `year` (a year, 'all' or None for all) and
    `district` (a slug, 'county', 'all', or None for the county). `force` ignores the execution cache; with `pdf`
    False no PDF is printed or linked. `progress` reports as it goes (default: a bar on stderr)."""
    where = project_at(project)
    return build_editions(select_editions(year, district, where), where, jobs=jobs, force=force, pdf=pdf,
                          progress=progress)


def check(year: int | str | None = None, district: str | None = None, *, project: Folder = None) -> Checked:
    """Validate the chosen editions' data, and that of data years without an edition: what was checked, and the
    problems found (one line each, naming the file, the place and what was expected)."""
    return validate_selection(year, district, project_at(project))


def validate(year: int | str | None = None, district: str | None = None, *, project: Folder = None) -> list[Problem]:
    """Every problem in the chosen editions' data; an empty list means `build` will publish them."""
    return list(check(year, district, project=project).problems)


def diff(year_a: int, year_b: int, district: str = "county", *, project: Folder = None) -> YearDiff:
    """What changed between two data years, with draft version-control rows (its `text()` is what `csabook diff` prints)."""
    return compare_years(year_a, year_b, district, project_at(project))


def new_year(year: int, *, previous: int | None = None, project: Folder = None) -> Scaffold:
    """Scaffold data/<year>/ and params/<year>/ from the latest data up to `previous` (default: the latest earlier
    year); never overwrites an existing year."""
    return scaffold_year(year, previous, project_at(project))


def return_templates(year: int, quarter: str, district: str = "county", *, out: str | os.PathLike | None = None,
                     project: Folder = None) -> Templates:
    """Write the quarterly return workbooks for the edition's action plan: one per lead agency, named by its slug
    (default folder: _build/returns/<year>-<district>-<quarter>/)."""
    return write_templates(year, district, quarter, project_at(project), Path(out) if out else None)


def import_return_workbooks(files: list[str | os.PathLike], year: int, quarter: str, district: str = "county", *,
                            project: Folder = None) -> Imported:
    """Check the filled-in return workbooks, then merge them into quarterly_returns.yml beside the edition's plan.
    Any problem in any workbook raises DataError (one Problem per line) and nothing is written; importing the same
    workbooks again changes nothing."""
    return import_returns([Path(f) for f in files], year, district, quarter, project_at(project))


def returns_status(year: int, quarter: str, district: str = "county", *, project: Folder = None) -> ReturnStatus:
    """Who has returned for the quarter, and which actions still have no return."""
    return return_status(year, district, quarter, project_at(project))


def preview(year: int | str | None = None, district: str | None = None, *, port: int = 8000,
            project: Folder = None) -> Preview:
    """A live preview of one edition (default: the latest year, county): `.serve()` builds it without a PDF into
    _build/preview/, serves it on 127.0.0.1:`port` (0: any free port; `.url` says which) and rebuilds it on every
    change until `.stop()` (call it after Ctrl-C)."""
    where = project_at(project)
    if year is None:
        year = max(e.year for e in select_editions("all", district, where))
    (edition,) = select_editions(year, district, where)
    return Preview(edition, where, port)


def editions(*, project: Folder = None) -> list[Edition]:
    """Every edition defined under params/, by year then district (county first)."""
    return discover_editions(project_at(project))
