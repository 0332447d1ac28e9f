"""Quarterly returns: the workbooks each lead agency fills in to feed back on its actions.

`csabook returns template` writes one workbook per lead agency of an edition's action plan, named by the agency's
slug. Its sheet "Return" lists every action the agency leads (an action with a shared lead is in the workbook of
each of its agencies), with the columns up to "Lead Agency" filled in and locked, and a drop-down of the statuses.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from csabook.content.actionplan import actions_frame
from csabook.errors import DataError, SelectionError
from csabook.model.agencies import load_agencies
from csabook.model.loader import COUNTY, EditionData
from csabook.model.quarters import QUARTERS, STATUSES, quarter_end
from csabook.paths import Project
from csabook.validation.selection import validate_editions

RETURN_SHEET = "Return"
RETURN_COLUMNS = ("Action ID", "Priority", "Objective", "Action", "Measure", "Timescale", "Due", "Lead Agency",
                  "Status", "Commentary", "Updated by", "Date updated")
LOCKED = RETURN_COLUMNS[:RETURN_COLUMNS.index("Lead Agency") + 1]  # filled in by csabook, not to be edited
WIDTHS = (10, 24, 40, 50, 40, 14, 12, 28, 14, 50, 20, 14)


@dataclass(frozen=True)
class Templates:
    """What `returns template` wrote: one workbook per agency, and the quarter's report date."""

    year: int
    district: str
    quarter: str
    report_date: str  # ISO
    workbooks: tuple[tuple[str, str, int], ...]  # (agency slug, path, number of actions)

    def text(self) -> str:
        lines = [f"{len(self.workbooks)} return workbook(s) for {self.year}/{self.district} {self.quarter} "
                 f"(report date {self.report_date}):"]
        lines += [f"  {path}  ({count} action(s))" for _, path, count in self.workbooks]
        return "\n".join(lines)


def return_rows(data: EditionData) -> dict[str, list[dict]]:
    """{agency slug: the rows of its return}, each action once per lead agency, in plan order (the plan's
    "All actions" table, one line per action)."""
    agencies = load_agencies(data.project)
    rows: dict[str, list[dict]] = {a.slug: [] for a in agencies.agencies}
    for action in actions_frame(data.get("action_plan")).to_dict("records"):
        for agency in agencies.named(action["_agencies"]):
            rows[agency.slug].append({
                "Action ID": action["Action ID"], "Priority": action["Priority"],
                "Objective": f"{action['No.']} {action['Objective']}", "Action": "\n".join(action["Actions"]),
                "Measure": "\n".join(action["Measures"]), "Timescale": action["Timescale"],
                "Due": action["_due"].iso, "Lead Agency": action["Lead agency"]})
    return {slug: found for slug, found in rows.items() if found}


def write_templates(year: int, district: str, quarter: str, project: Project, out: Path | None = None) -> Templates:
    """Write the quarter's return workbooks for the edition's action plan into `out` (default:
    _build/returns/<year>-<district>-<quarter>/); returns what was written."""
    if quarter not in QUARTERS:
        raise SelectionError(f"{quarter!r} is not a quarter; expected one of {', '.join(QUARTERS)}")
    problems = validate_editions([(year, district)], project)
    if problems:
        raise DataError(problems)
    data = EditionData(year, district, project)
    if not data.has("action_plan"):
        place = "the county" if district == COUNTY else district
        raise SelectionError(f"{year} has no action plan for {place}; expected a year with action_plan.yml")
    out = out or project.build / "returns" / f"{year}-{district}-{quarter}"
    out.mkdir(parents=True, exist_ok=True)
    report = quarter_end(year, quarter)
    written = []
    for slug, rows in return_rows(data).items():
        path = out / f"{slug}.xlsx"
        _write_workbook(path, rows, quarter, report.isoformat(), year)
        written.append((slug, project.relative(path), len(rows)))
    return Templates(year, district, quarter, report.isoformat(), tuple(written))


def _write_workbook(path: Path, rows: list[dict], quarter: str, report: str, year: int) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = RETURN_SHEET
    sheet.append(list(RETURN_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row[c] for c in LOCKED] + ["", "", "", ""])
    editable = [RETURN_COLUMNS.index(c) + 1 for c in RETURN_COLUMNS if c not in LOCKED]
    for r in range(2, len(rows) + 2):
        for c in range(1, len(RETURN_COLUMNS) + 1):
            cell = sheet.cell(row=r, column=c)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if c in editable:
                cell.protection = Protection(locked=False)
    for c, width in enumerate(WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(c)].width = width
    status = get_column_letter(RETURN_COLUMNS.index("Status") + 1)
    choice = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle="Status",
                            error="Choose one of: " + ", ".join(STATUSES))
    sheet.add_data_validation(choice)
    if rows:
        choice.add(f"{status}2:{status}{len(rows) + 1}")
    sheet.freeze_panes = "B2"
    sheet.protection.sheet = True  # the filled-in columns are locked; the return's columns are not
    notes = book.create_sheet("Instructions")
    for line in (
        f"Quarterly return: {quarter} of the {year}/{(year + 1) % 100:02d} action plan (report date {report}).",
        "",
        f"On the sheet '{RETURN_SHEET}', one row per action your agency leads. Columns Action ID to Lead Agency are "
        "filled in and locked: do not change them.",
        "Status: choose one of " + ", ".join(STATUSES) + ".",
        "Commentary: what was done this quarter. It is required when the status is At risk or Off track.",
        "Updated by: your name. Date updated: the date of your return (it cannot be after today).",
        "Send the workbook back as it is: an .xlsx file, not password-protected.",
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 120
    book.save(path)
