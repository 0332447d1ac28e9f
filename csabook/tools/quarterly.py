"""Quarterly returns: the workbooks each lead agency fills in to feed back on its actions, and their import.

`csabook returns template` writes one workbook per lead agency of an edition's action plan, named by the agency's
slug. Its sheet "Return" lists every action the agency leads (an action with a shared lead is in the workbook of
each of its agencies), with the columns up to "Lead Agency" filled in and locked, a drop-down of the statuses, and
the status and commentary of the quarter before, so that an agency edits only what changed.

`csabook returns import` reads the returned workbooks, checks every one before anything is written, and merges
them into quarterly_returns.yml beside the plan (see data/README.md). `csabook returns status` says who has
returned for a quarter and which actions have no return.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import datetime as dt
import zipfile

import yaml

from csabook.content.actionplan import actions_frame
from csabook.content.progress import returns_problems
from csabook.errors import DataError, Problem, SelectionError
from csabook.model import schema
from csabook.model.agencies import load_agencies
from csabook.model.loader import COUNTY, EditionData, load_file
from csabook.model.quarters import (NEEDS_COMMENTARY, NO_RETURN, QUARTERS, STATUSES, previous_quarter, quarter_end,
                                    return_date_problem)
from csabook.model.textrules import text_problem
from csabook.paths import Project, write_atomic
from csabook.validation.selection import validate_editions

RETURN_SHEET = "Return"
RETURN_COLUMNS = ("Action ID", "Priority", "Objective", "Action", "Measure", "Timescale", "Due", "Lead Agency",
                  "Status", "Commentary", "Updated by", "Date updated")
LOCKED = RETURN_COLUMNS[:RETURN_COLUMNS.index("Lead Agency") + 1]  # filled in by csabook, not to be edited
WIDTHS = (10, 24, 40, 50, 40, 14, 12, 28, 14, 50, 20, 14)
NOTES_SHEET = "Instructions"
# The Instructions sheet's first rows say whose return the workbook is: (label in column A, value in column B).
ABOUT_ROWS = ("Agency", "Plan", "Quarter")
NOT_IMPORTED = "Nothing was imported. Fix the workbook(s) named above, then import them all again."
# A return workbook is a few kilobytes; these bound what an untrusted file can make the import read.
MAX_WORKBOOK = 10_000_000
MAX_UNPACKED = 50_000_000
MAX_ROWS = 5_000
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # an encrypted (password-protected) workbook, or an old .xls


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


def _plan_data(year: int, district: str, project: Project) -> EditionData:
    """The edition's data, validated, with an action plan of its own layer (its returns are stored beside it)."""
    problems = validate_editions([(year, district)], project)
    if problems:
        raise DataError(problems)
    data = EditionData(year, district, project)
    place = "the county" if district == COUNTY else district
    if not data.has("action_plan"):
        raise SelectionError(f"{year} has no action plan for {place}; expected a year with action_plan.yml")
    if district != COUNTY and data.origin("action_plan") == COUNTY:
        raise SelectionError(f"{district} has no action plan of its own in {year}: its edition shows the county's "
                             "plan and returns; expected --district county, or a local action_plan.yml")
    return data


def _returns_path(data: EditionData) -> Path:
    return data.locate("action_plan")[1].parent / schema.FILES["quarterly_returns"].filename


def stored_returns(data: EditionData) -> schema.QuarterlyReturns | None:
    """The returns stored beside the edition's plan, or None."""
    return data.get("quarterly_returns") if data.has("quarterly_returns") else None


def write_templates(year: int, district: str, quarter: str, project: Project, out: Path | None = None) -> Templates:
    """Write the quarter's return workbooks for the edition's action plan into `out` (default:
    _build/returns/<year>-<district>-<quarter>/), with the quarter before's returns filled in; returns what was
    written."""
    _check_quarter(quarter)
    data = _plan_data(year, district, project)
    before = previous_quarter(quarter)
    stored = stored_returns(data)
    last = {r.action: r for r in stored.quarter(before).returns} if stored and before and stored.quarter(before) else {}
    out = out or project.build / "returns" / f"{year}-{district}-{quarter}"
    out.mkdir(parents=True, exist_ok=True)
    report = quarter_end(year, quarter)
    written = []
    for slug, rows in return_rows(data).items():
        path = out / f"{slug}.xlsx"
        about = (slug, f"{year} {district}", quarter)
        _write_workbook(path, rows, last, about, report.isoformat(), year)
        written.append((slug, project.relative(path), len(rows)))
    return Templates(year, district, quarter, report.isoformat(), tuple(written))


def _check_quarter(quarter: str) -> None:
    if quarter not in QUARTERS:
        raise SelectionError(f"{quarter!r} is not a quarter; expected one of {', '.join(QUARTERS)}")


def _write_workbook(path: Path, rows: list[dict], last: dict, about: tuple[str, str, str], report: str,
                    year: int) -> None:
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
        before = last.get(row["Action ID"])
        sheet.append([row[c] for c in LOCKED] + ([before.status, before.commentary] if before else ["", ""]) + ["", ""])
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
    notes = book.create_sheet(NOTES_SHEET)
    for label, value in zip(ABOUT_ROWS, about):
        notes.append([label, value])
    quarter = about[2]
    for line in (
        "",
        f"Quarterly return: {quarter} of the {year}/{(year + 1) % 100:02d} action plan (report date {report}).",
        "",
        f"On the sheet '{RETURN_SHEET}', one row per action your agency leads. Columns Action ID to Lead Agency are "
        "filled in and locked: do not change them.",
        "Status: choose one of " + ", ".join(STATUSES) + ". Leave it blank for no return on that action.",
        "Status and Commentary show your return for the quarter before, where there was one: change what changed.",
        "Commentary: what was done this quarter. It is required when the status is "
        + " or ".join(NEEDS_COMMENTARY) + ".",
        "Updated by: your name. Date updated: the date of your return (it cannot be after today).",
        "Send the workbook back as it is: an .xlsx file, not password-protected. Keep the rows above this text.",
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 120
    book.save(path)


# Import -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Imported:
    """What `returns import` did: the file it wrote (or would have), and how many actions each workbook returned."""

    year: int
    district: str
    quarter: str
    path: str
    workbooks: tuple[tuple[str, str, int], ...]  # (file, agency slug, actions returned)
    changed: bool

    def text(self) -> str:
        lines = [f"{self.quarter} returns for {self.year}/{self.district}: {len(self.workbooks)} workbook(s)."]
        lines += [f"  {file}  ({slug}: {count} action(s) returned)" for file, slug, count in self.workbooks]
        lines.append(f"{'Wrote' if self.changed else 'No change to'} {self.path}.")
        return "\n".join(lines)


@dataclass(frozen=True)
class _Returned:
    file: str
    row: int
    agency: str
    action: str
    status: str
    commentary: str
    updated_by: str
    date_updated: str


def import_returns(files: list[Path], year: int, district: str, quarter: str, project: Project,
                   today: dt.date | None = None) -> Imported:
    """Check every workbook, then merge their returns into quarterly_returns.yml beside the plan.

    Any problem in any workbook raises DataError listing them all, and nothing is written."""
    _check_quarter(quarter)
    if not files:
        raise SelectionError("no workbook named; expected one or more .xlsx files")
    data = _plan_data(year, district, project)
    by_agency = return_rows(data)
    expected = {row["Action ID"]: row for rows in by_agency.values() for row in rows}
    leads = {slug: {row["Action ID"] for row in rows} for slug, rows in by_agency.items()}
    agencies = {a.slug for a in load_agencies(project).agencies}
    problems: list[Problem] = []
    returned: list[_Returned] = []
    counts = []
    for path in files:
        found, trouble = _read_return(Path(path), quarter, expected, leads, agencies, today)
        problems += trouble
        returned += found
        counts.append((str(path), found[0].agency if found else _agency_of(Path(path), agencies) or "?", len(found)))
    merged, clash = _merge(returned)
    problems += clash
    if problems:
        raise DataError(problems, NOT_IMPORTED)
    target = _returns_path(data)
    shown = project.relative(target)
    stored = stored_returns(data)
    text = _render(stored, quarter, year, merged, list(expected))
    changed = not target.is_file() or target.read_text(encoding="utf-8") != text
    if changed:
        _check_rendered(text, target, shown, data)
        write_atomic(target, text)
    return Imported(year, district, quarter, shown, tuple(counts), changed)


def _agency_of(path: Path, agencies: set[str]) -> str | None:
    return path.stem if path.stem in agencies else None


def _read_return(path: Path, quarter: str, expected: dict, leads: dict, agencies: set[str],
                 today: dt.date | None) -> tuple[list[_Returned], list[Problem]]:
    """The returns of one workbook, or the problems that stop it being read: (returns, problems)."""
    shown = str(path)

    def problem(where: str, what: str, wanted: str) -> list[Problem]:
        return [Problem(shown, where, what, wanted)]

    if not path.is_file():
        return [], problem("", "no such file", "a return workbook (.xlsx)")
    with open(path, "rb") as handle:
        start = handle.read(8)
    if not start:
        return [], problem("", "the file is empty", "a return workbook (.xlsx) written by csabook returns template")
    if start.startswith(OLE_MAGIC):
        return [], problem("", "the workbook is password-protected (or an old .xls file)",
                           "an .xlsx workbook without a password (save it again with no password to open it)")
    if not zipfile.is_zipfile(path):
        return [], problem("", "the file is not an .xlsx workbook", "a return workbook (.xlsx) written by "
                           "csabook returns template")
    with zipfile.ZipFile(path) as package:
        unpacked = sum(member.file_size for member in package.infolist())
    if path.stat().st_size > MAX_WORKBOOK or unpacked > MAX_UNPACKED:
        return [], problem("", f"the workbook is too large ({max(path.stat().st_size, unpacked):,} bytes unpacked)",
                           f"a return workbook of at most {MAX_UNPACKED // 1_000_000} MB unpacked, as the template is")
    try:
        from openpyxl import load_workbook

        book = load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        return [], problem("", f"the workbook cannot be read ({type(exc).__name__})",
                           "a return workbook (.xlsx) written by csabook returns template")
    if RETURN_SHEET not in book.sheetnames:
        return [], problem(f"sheet {RETURN_SHEET}", f"there is no sheet '{RETURN_SHEET}'",
                           f"the sheet '{RETURN_SHEET}' of the template")
    agency, trouble = _about(book, path, quarter, agencies, shown)
    if trouble:
        return [], trouble
    sheet = book[RETURN_SHEET]
    header = [_text(c.value) for c in next(sheet.iter_rows(min_row=1, max_row=1), ())]
    missing = [(i, name) for i, name in enumerate(RETURN_COLUMNS) if i >= len(header) or header[i] != name]
    if missing:
        return [], [Problem(shown, f"sheet {RETURN_SHEET}, row 1, column {_letter(i)}",
                            f"missing header '{name}'" + (f" (found '{header[i]}')" if i < len(header) and header[i]
                                                          else ""),
                            "the template's header row: " + " | ".join(RETURN_COLUMNS)) for i, name in missing]
    if sheet.max_row > MAX_ROWS:
        return [], problem(f"sheet {RETURN_SHEET}", f"the sheet has {sheet.max_row:,} rows",
                           f"at most {MAX_ROWS:,}: one row per action the agency leads")
    found, problems, seen = [], [], {}
    for number, cells in enumerate(sheet.iter_rows(min_row=2, max_col=len(RETURN_COLUMNS), values_only=True), 2):
        values = dict(zip(RETURN_COLUMNS, (*cells, *[None] * len(RETURN_COLUMNS))))
        if all(v is None or _text(v) == "" for v in values.values()):
            continue

        def at(column: str) -> str:
            return f"sheet {RETURN_SHEET}, row {number}, column {_letter(RETURN_COLUMNS.index(column))} ({column})"

        action = _text(values["Action ID"])
        if action not in expected:
            problems.append(Problem(shown, at("Action ID"), f"'{action}' is not an action of the plan",
                                    "the action ids the template lists"))
            continue
        if action not in leads.get(agency, ()):
            problems.append(Problem(shown, at("Action ID"), f"action {action} is not led by {agency}",
                                    f"only the actions {agency} leads, as in its template"))
            continue
        if action in seen:
            problems.append(Problem(shown, at("Action ID"), f"action {action} is on row {seen[action]} too",
                                    "each action once"))
            continue
        seen[action] = number
        for column in LOCKED:
            got, wanted = _text(values[column]), _text(expected[action][column])
            if got != wanted:
                problems.append(Problem(shown, at(column), f"the locked column was edited (found '{_short(got)}')",
                                        f"'{_short(wanted)}', as in the template"))
        status, commentary = _text(values["Status"]), _text(values["Commentary"])
        if not status:
            if commentary:
                problems.append(Problem(shown, at("Status"), "a commentary without a status",
                                        "one of " + ", ".join(STATUSES)))
            continue
        if status not in STATUSES:
            problems.append(Problem(shown, at("Status"), f"'{_short(status)}' is not a status",
                                    "one of " + ", ".join(STATUSES)))
            continue
        if status in NEEDS_COMMENTARY and not commentary:
            problems.append(Problem(shown, at("Commentary"), f"no commentary for status '{status}'",
                                    "a commentary saying why"))
        updated_by = _text(values["Updated by"])
        for column, text in (("Commentary", commentary), ("Updated by", updated_by)):
            bad = text_problem(text)
            if bad:
                problems.append(Problem(shown, at(column), *bad))
        day, bad_day = _date(values["Date updated"], today)
        if bad_day:
            problems.append(Problem(shown, at("Date updated"), *bad_day))
        found.append(_Returned(shown, number, agency, action, status, commentary, updated_by, day))
    return (found if not problems else []), problems


def _about(book, path: Path, quarter: str, agencies: set[str], shown: str) -> tuple[str, list[Problem]]:
    """Whose return the workbook is (the Instructions sheet's Agency row, else the file's name), and that it is
    this quarter's."""
    about = {}
    if NOTES_SHEET in book.sheetnames:
        for row in book[NOTES_SHEET].iter_rows(min_row=1, max_row=len(ABOUT_ROWS), max_col=2, values_only=True):
            about[_text(row[0])] = _text(row[1])
    agency = about.get("Agency") or path.stem
    if agency not in agencies:
        return "", [Problem(shown, f"sheet {NOTES_SHEET}, row 1, column B", f"cannot tell which agency returned it "
                            f"('{_short(agency)}' is not a registered agency)",
                            "the agency's slug, as written by csabook returns template")]
    if about.get("Quarter") and about["Quarter"] != quarter:
        return "", [Problem(shown, f"sheet {NOTES_SHEET}, row 3, column B", f"the workbook is the {about['Quarter']} "
                            "return", f"the {quarter} return (--quarter {quarter})")]
    return agency, []


def _merge(returned: list[_Returned]) -> tuple[dict[str, dict], list[Problem]]:
    """One return per action; the same action from two workbooks must say the same (a shared lead)."""
    merged: dict[str, dict] = {}
    first: dict[str, _Returned] = {}
    problems = []
    for item in returned:
        if item.action in first:
            other = first[item.action]
            if (other.status, other.commentary) != (item.status, item.commentary):
                problems.append(Problem(item.file, f"sheet {RETURN_SHEET}, row {item.row}, column "
                                        f"{_letter(RETURN_COLUMNS.index('Status'))} (Status)",
                                        f"action {item.action} is returned differently in {other.file} (row "
                                        f"{other.row})", "one status and commentary for an action its lead "
                                        "agencies share: agree them and send the same in both workbooks"))
                continue
            entry = merged[item.action]
            entry["agencies"] = sorted({*entry["agencies"], item.agency})
            if item.date_updated and item.date_updated > (entry.get("date_updated") or ""):
                entry["date_updated"] = item.date_updated
            continue
        first[item.action] = item
        entry = {"action": item.action, "status": item.status}
        if item.commentary:
            entry["commentary"] = item.commentary
        if item.updated_by:
            entry["updated_by"] = item.updated_by
        if item.date_updated:
            entry["date_updated"] = item.date_updated
        entry["agencies"] = [item.agency]
        merged[item.action] = entry
    return merged, problems


def _render(stored: schema.QuarterlyReturns | None, quarter: str, year: int, merged: dict[str, dict],
            order: list[str]) -> str:
    """The new quarterly_returns.yml: the stored quarters, with this quarter's returns replaced action by action."""
    quarters = {q.quarter: q.model_dump(exclude_defaults=True) for q in stored.quarters} if stored else {}
    current = {r["action"]: r for r in quarters.get(quarter, {}).get("returns", [])}
    current.update(merged)
    position = {action: i for i, action in enumerate(order)}
    quarters[quarter] = {"quarter": quarter, "report_date": quarter_end(year, quarter).isoformat(),
                         "returns": sorted(current.values(), key=lambda r: position.get(r["action"], len(order)))}
    body = {"title": "Quarterly returns", "quarters": [quarters[q] for q in QUARTERS if q in quarters]}
    header = ("# Quarterly returns from the lead agencies, written by `csabook returns import` (see data/README.md).\n"
              "# Import again to change them; an edit by hand is checked by `csabook validate` like any data file.\n")
    return header + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=120)


def _check_rendered(text: str, target: Path, shown: str, data: EditionData) -> None:
    """Check the file to be written exactly as `validate` will: it is read back from a scratch copy."""
    scratch = target.with_name(f".{target.name}.check")
    try:
        scratch.write_text(text, encoding="utf-8")
        content, _ = load_file(scratch, schema.FILES["quarterly_returns"], shown)
    finally:
        scratch.unlink(missing_ok=True)
    problems = returns_problems(content, data, shown)
    if problems:
        raise DataError(problems)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _date(value, today: dt.date | None) -> tuple[str, tuple[str, str] | None]:
    """(the date as YYYY-MM-DD, or ""; (what is wrong, what was expected) or None). Excel dates, YYYY-MM-DD and
    DD/MM/YYYY are read."""
    if value is None or _text(value) == "":
        return "", None
    if isinstance(value, (dt.date, dt.datetime)):
        text = _text(value)
    else:
        text = _text(value)
        for form in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                text = dt.datetime.strptime(text, form).date().isoformat()
                break
            except ValueError:
                continue
        else:
            return "", (f"'{_short(text)}' cannot be read as a date", "a date such as 2024-09-30 or 30/09/2024")
    problem = return_date_problem(text, today)
    if problem:
        what, _, wanted = problem.partition("; expected ")
        return "", (what, wanted)
    return text, None


# Status -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReturnStatus:
    """Who has returned for a quarter, and which actions have no return."""

    year: int
    district: str
    quarter: str
    returned: tuple[tuple[str, int, int], ...]  # (agency slug, actions returned, actions led)
    missing: tuple[tuple[str, tuple[str, ...]], ...]  # (agency slug, ids of its actions with no return)
    no_return: tuple[str, ...]  # every action with no return, in plan order

    def text(self) -> str:
        total = sum(led for _, _, led in self.returned)
        lines = [f"{self.quarter} returns for {self.year}/{self.district} "
                 f"(report date {quarter_end(self.year, self.quarter).isoformat()}):"]
        for slug, count, led in self.returned:
            mark = "returned" if count == led else ("part returned" if count else NO_RETURN.lower())
            lines.append(f"  {slug}: {mark} ({count} of {led} action(s))")
        missing = self.no_return
        lines.append(f"Actions with no return: {len(missing)}" + (": " + ", ".join(missing) if missing else "."))
        if not total:
            lines.append("(no agency leads an action)")
        return "\n".join(lines)


def return_status(year: int, district: str, quarter: str, project: Project) -> ReturnStatus:
    _check_quarter(quarter)
    data = _plan_data(year, district, project)
    stored = stored_returns(data)
    given = stored.quarter(quarter) if stored else None
    by_agency: dict[str, set[str]] = {}
    answered = set()
    for item in given.returns if given else ():
        answered.add(item.action)
        for slug in item.agencies:
            by_agency.setdefault(slug, set()).add(item.action)
    returned, missing = [], []
    for slug, rows in return_rows(data).items():
        ids = [row["Action ID"] for row in rows]
        returned.append((slug, len(by_agency.get(slug, set()) & set(ids)), len(ids)))
        gaps = tuple(i for i in ids if i not in answered)
        if gaps:
            missing.append((slug, gaps))
    order = [row["Action ID"] for row in actions_frame(data.get("action_plan")).to_dict("records")]
    return ReturnStatus(year, district, quarter, tuple(returned), tuple(missing),
                        tuple(i for i in order if i not in answered))
