"""Quarterly monitoring: return workbooks filled in and imported, every bad return refused with one line and no
change to data/, the stored returns validated, and the progress numbers they give. The statuses here are made up
for the tests, in temporary copies of the project; nothing the project ships carries them."""

from __future__ import annotations

import hashlib
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from csabook import open_edition
from csabook.content import progress as prog
from csabook.model.loader import EditionData
from csabook.model.quarters import STATUSES
from csabook.validation.edition import validate_edition
from tests import REPO
from tests.conftest import run_csabook

EXAMPLE = REPO / "examples" / "examplebury"
BLANK = {"1.3-1", "4.4-1", "6.2-1"}  # left without a status in every workbook: no return
COLUMN = {"Action ID": 1, "Objective": 3, "Status": 9, "Commentary": 10, "Updated by": 11, "Date updated": 12}


def made_up_status(action: str) -> str:
    """A test status for an action: a function of its id, so an action shared by two agencies gets one status."""
    return STATUSES[sum(map(ord, action)) % len(STATUSES)]


def fill(folder: Path, when: str = "2024-10-04") -> dict[str, str]:
    """Fill every workbook in `folder` (test statuses); returns {action id: status} of what was returned."""
    returned = {}
    for path in sorted(folder.glob("*.xlsx")):
        book = load_workbook(path)
        sheet = book["Return"]
        for row in range(2, sheet.max_row + 1):
            action = sheet.cell(row, COLUMN["Action ID"]).value
            if action in BLANK:
                sheet.cell(row, COLUMN["Status"]).value = None
                sheet.cell(row, COLUMN["Commentary"]).value = None
                continue
            status = made_up_status(action)
            sheet.cell(row, COLUMN["Status"]).value = status
            sheet.cell(row, COLUMN["Commentary"]).value = f"Test commentary for {action}."
            sheet.cell(row, COLUMN["Updated by"]).value = "Test officer"
            sheet.cell(row, COLUMN["Date updated"]).value = when
            returned[action] = status
        book.save(path)
    return returned


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def templates(project, quarter: str = "Q2", district: str = "county") -> Path:
    out = project.root / "returns" / quarter
    result = run_csabook("returns", "template", "--year", "2024", "--district", district, "--quarter", quarter,
                         "--out", out, root=project.root)
    assert result.returncode == 0, result.stderr
    return out


def import_returns(project, files, quarter: str = "Q2", district: str = "county"):
    return run_csabook("returns", "import", *files, "--year", "2024", "--district", district, "--quarter", quarter,
                       root=project.root)


@pytest.fixture
def q2(project):
    """The 2024 county plan's Q2 workbooks, filled in: (project, folder, {action: status})."""
    folder = templates(project)
    return project, folder, fill(folder)


def test_imported_returns_give_the_counts_overdue_and_missing_actions_filled_in(q2):
    project, folder, returned = q2
    result = import_returns(project, sorted(folder.glob("*.xlsx")))
    assert result.returncode == 0, result.stderr
    assert "Wrote data/2024/county/quarterly_returns.yml." in result.stdout
    assert validate_edition(2024, "county", project) == []

    report = prog.progress(EditionData(2024, "county", project))
    plan = open_edition(2024).action_plan
    rows = [row for objective in plan.objectives for row in objective.rows]
    assert report.latest == "Q2" and report.report_date == date(2024, 9, 30)
    summary = dict(zip(prog.status_summary(report)["Status"], prog.status_summary(report)["Actions"]))
    for status in STATUSES:
        assert summary[status] == list(returned.values()).count(status), status
    assert summary["No return"] == len(BLANK) and summary["Total"] == len(rows) == 39
    expected_late = [r.id for r in rows if r.due.iso and r.due.iso < "2024-09-30"
                     and returned.get(r.id) != "Complete"]
    assert list(prog.overdue(report)["Action ID"]) == expected_late
    missing = prog.no_return_by_lead(report)
    assert sorted({i for ids in missing["Action IDs"] for i in ids}) == sorted(BLANK)

    status = run_csabook("returns", "status", "--year", "2024", "--quarter", "Q2", root=project.root)
    assert status.returncode == 0
    assert re.search(r"Actions with no return: 3: 1\.3-1, 4\.4-1, 6\.2-1$", status.stdout, re.M), status.stdout


def test_importing_the_same_files_again_changes_nothing(q2):
    project, folder, _ = q2
    files = sorted(folder.glob("*.xlsx"))
    assert import_returns(project, files).returncode == 0
    stored = project.data / "2024" / "county" / "quarterly_returns.yml"
    before = stored.read_bytes()
    again = import_returns(project, files)
    assert again.returncode == 0 and "No change to data/2024/county/quarterly_returns.yml." in again.stdout
    assert stored.read_bytes() == before


def test_the_next_quarters_template_carries_the_last_status_and_commentary(q2):
    project, folder, returned = q2
    assert import_returns(project, sorted(folder.glob("*.xlsx"))).returncode == 0
    sheet = load_workbook(templates(project, "Q3") / "kent-police.xlsx")["Return"]
    for row in sheet.iter_rows(min_row=2, values_only=True):
        action = row[0]
        assert row[8] == returned.get(action), action
        assert row[9] == (f"Test commentary for {action}." if action in returned else None)
        assert row[10] is None and row[11] is None
    notes = load_workbook(templates(project, "Q3") / "kent-police.xlsx")["Instructions"]
    assert [c.value for c in notes["B"][:3]] == ["kent-police", "2024 county", "Q3"]


def _edit(path: Path, cell: str, value) -> None:
    book = load_workbook(path)
    book["Return"][cell] = value
    book.save(path)


def _row_of(path: Path, action: str) -> int:
    sheet = load_workbook(path)["Return"]
    return next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == action)


def _shared_action(folder: Path) -> tuple[str, Path, Path]:
    """An action two agencies lead, and their two workbooks."""
    seen: dict[str, Path] = {}
    for path in sorted(folder.glob("*.xlsx")):
        for (action,) in load_workbook(path)["Return"].iter_rows(min_row=2, max_col=1, values_only=True):
            if action in seen and action not in BLANK:
                return action, seen[action], path
            seen[action] = path
    raise AssertionError("the plan has no shared action")


def edits(cells: dict, message: str):
    """A spoiler that edits cells of kent-police.xlsx (row 3 is action 5.8-1, which it returns), and the message
    its line must match."""
    def spoil(folder):
        for cell, value in cells.items():
            _edit(folder / "kent-police.xlsx", cell, value)
        return folder / "kent-police.xlsx", message
    return spoil


def bad_twice(folder):
    action, first, second = _shared_action(folder)
    row = _row_of(second, action)
    _edit(second, f"J{row}", "A different commentary.")
    return second, (rf"sheet Return, row {row}, column I \(Status\): action {re.escape(action)} is returned "
                    rf"differently in {re.escape(str(first))} \(row \d+\)")


def replaced(content: bytes, message: str):
    """A spoiler that replaces kent-police.xlsx with `content`."""
    def spoil(folder):
        (folder / "kent-police.xlsx").write_bytes(content)
        return folder / "kent-police.xlsx", message
    return spoil


def zip_bomb() -> bytes:
    """A small zip that unpacks to 60 MB."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("xl/worksheets/sheet1.xml", b"\0" * 60_000_000)
    return out.getvalue()


LATER = date.today() + timedelta(days=30)
ROW3 = r"sheet Return, row 3, column "
BAD = {
    "unknown id": edits({"A3": "99.9-9"}, ROW3 + r"A \(Action ID\): '99\.9-9' is not an action"),
    "bad status": edits({"I3": "Done"}, ROW3 + r"I \(Status\): 'Done' is not a status; expected one of Complete, "
                                               r"On track"),
    "no commentary": edits({"I3": "Off track", "J3": ""}, ROW3 + r"J \(Commentary\): no commentary for status "
                                                                 r"'Off track'"),
    "locked column edited": edits({"C3": "A rewritten objective"}, ROW3 + r"C \(Objective\): the locked column was "
                                                                         r"edited \(found 'A rewritten objective'\); "
                                                                         r"expected '"),
    "returned twice, differently": bad_twice,
    "not an xlsx": replaced(b"Action ID,Status\n1.1-1,Complete\n", r": the file is not an \.xlsx workbook; expected"),
    "empty": replaced(b"", r": the file is empty; expected"),
    # An encrypted workbook is an OLE compound file holding the encrypted package, whatever its name says.
    "password-protected": replaced(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504,
                                   r": the workbook is password-protected \(or an old \.xls file\); expected"),
    "too large unpacked": replaced(zip_bomb(), r": the workbook is too large \(60,000,\d+ bytes unpacked\); "
                                               r"expected a return workbook of at most 50 MB"),
    "missing header": edits({"I1": "RAG"}, r"sheet Return, row 1, column I: missing header 'Status' "
                                           r"\(found 'RAG'\)"),
    "unreadable date": edits({"L3": "last Tuesday"}, ROW3 + r"L \(Date updated\): 'last Tuesday' cannot be read as "
                                                            r"a date"),
    "future date": edits({"L3": LATER.strftime("%d/%m/%Y")}, ROW3 + rf"L \(Date updated\): {LATER.isoformat()} is "
                                                                    r"after today"),
}


@pytest.mark.parametrize("spoil", BAD.values(), ids=BAD.keys())
def test_a_bad_return_is_one_line_naming_its_place_and_nothing_is_written(q2, spoil):
    project, folder, _ = q2
    (project.data / "2024" / "county" / "quarterly_returns.yml").write_text(
        "title: Quarterly returns\nquarters:\n- quarter: Q1\n  report_date: '2024-06-30'\n  returns: []\n",
        encoding="utf-8")  # an earlier import, which a refused one must leave as it is
    path, message = spoil(folder)
    before = tree_digest(project.data)
    result = import_returns(project, sorted(folder.glob("*.xlsx")))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("error: "), result.stderr
    ours = [line.removeprefix("error: ") for line in lines if line.removeprefix("error: ").startswith(f"{path}:")]
    assert len(ours) == 1, result.stderr
    assert re.search(message, ours[0]), ours[0]
    assert lines[-1] == "Nothing was imported. Fix the workbook(s) named above, then import them all again."
    assert tree_digest(project.data) == before


def test_a_workbook_for_another_quarter_is_refused(q2, run_cli):
    project, folder, _ = q2
    result = import_returns(project, [folder / "kent-police.xlsx"], quarter="Q3")
    assert result.returncode == 1
    assert "kent-police.xlsx:sheet Instructions, row 3, column B: the workbook is the Q2 return; expected the Q3 " \
           "return (--quarter Q3)" in result.stderr


def _store(project, text: str, folder: str = "2024/county") -> Path:
    path = project.data / folder / "quarterly_returns.yml"
    path.write_text(text, encoding="utf-8")
    return path


RETURN = ("title: Quarterly returns\nquarters:\n- quarter: Q1\n  report_date: '{date}'\n  returns:\n"
          "  - action: {action}\n    status: {status}\n    agencies: [{agency}]\n")


@pytest.mark.parametrize("values, where, what", [
    (dict(action="7.7-7"), "quarters[0].returns[0].action", "'7.7-7' is not an action of the plan"),
    (dict(date="2024-06-29"), "quarters[0].report_date", "2024-06-29 is not the last day of Q1 2024/25"),
    (dict(agency="kent-police"), "quarters[0].returns[0].agencies", "'kent-police' does not lead action 1.1-1"),
    (dict(agency="nobody"), "quarters[0].returns[0].agencies", "'nobody' is not a registered agency"),
    (dict(status="Off track"), "line 6 (quarters.0.returns.0)", "status 'Off track' has no commentary"),
])
def test_validate_checks_the_stored_returns_against_their_plan(project, values, where, what):
    fields = dict(date="2024-06-30", action="1.1-1", status="On track", agency="kcst") | values
    path = _store(project, RETURN.format(**fields))
    problems = validate_edition(2024, "county", project)
    assert [(p.file, p.location, p.message) for p in problems] == [(project.relative(path), where, what)], problems


def test_returns_without_a_plan_beside_them_are_a_problem(project):
    path = _store(project, RETURN.format(date="2022-06-30", action="1.1-1", status="On track", agency="kcst"),
                  "2022/county")
    problems = validate_edition(2022, "county", project)
    assert [(p.file, p.message) for p in problems] == [
        (project.relative(path), "quarterly_returns.yml without action_plan.yml in the same folder")]


def install_example(project) -> None:
    """The fictional Examplebury district, as the README's runbook installs it."""
    with open(project.data / "register.yml", "a", encoding="utf-8") as out:
        out.write((EXAMPLE / "register-entry.yml").read_text(encoding="utf-8"))
    with open(project.data / "agencies.yml", "a", encoding="utf-8") as out:
        out.write((EXAMPLE / "agencies-entry.yml").read_text(encoding="utf-8"))
    shutil.copytree(EXAMPLE / "data" / "2024" / "districts", project.data / "2024" / "districts")
    assert run_csabook("params", "--year", "2024", root=project.root).returncode == 0


def example_quarter(project, quarter: str) -> None:
    """One quarter of the fictional returns, through the same steps as the runbook."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("fill_returns", EXAMPLE / "fill_returns.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    run = run_csabook("returns", "template", "--year", "2024", "--district", "examplebury", "--quarter", quarter,
                      root=project.root)
    assert run.returncode == 0, run.stderr
    files = module.fill(quarter, project.root)
    run = import_returns(project, files, quarter, "examplebury")
    assert run.returncode == 0, run.stderr


def test_a_district_with_its_own_plan_keeps_its_own_returns(q2):
    project, folder, _ = q2
    assert import_returns(project, sorted(folder.glob("*.xlsx"))).returncode == 0
    install_example(project)
    district = EditionData(2024, "examplebury", project)
    assert district.origin("action_plan") == "local" and not district.has("quarterly_returns")
    assert EditionData(2024, "dover", project).origin("quarterly_returns") == "county"
    example_quarter(project, "Q1")
    assert district.origin("quarterly_returns") == "local"
    wrong = run_csabook("returns", "import", *sorted(folder.glob("*.xlsx")), "--year", "2024", "--district", "dover",
                        "--quarter", "Q2", root=project.root)
    assert wrong.returncode == 1
    assert "dover has no action plan of its own in 2024" in wrong.stderr


def test_the_fictional_example_gives_four_quarters_and_a_year_end(project):
    install_example(project)
    for quarter in ("Q1", "Q2", "Q3", "Q4"):
        example_quarter(project, quarter)
    assert validate_edition(2024, "examplebury", project) == []
    report = prog.progress(EditionData(2024, "examplebury", project))
    assert report.quarters == ("Q1", "Q2", "Q3", "Q4") and report.year_end
    stored = yaml.safe_load((EXAMPLE / "returns-2024.yml").read_text(encoding="utf-8"))["Q4"]
    given = {action: answer["status"] for agency in stored.values() for action, answer in agency["rows"].items()}
    assert dict(zip(report.frame["Action ID"], report.frame["Q4"])) == given
    assert list(prog.overdue(report)["Action ID"]) == ["2.2-1"]  # due December 2024, Off track at 31 March
    assert prog.year_end_summary(report).iloc[-1].to_dict() == {
        "Priority": "Total", "Actions": 9, "Complete": 6, "Complete (%)": 67}


def test_new_year_drafts_the_completed_actions_and_leaves_the_returns_behind(project):
    install_example(project)
    for quarter in ("Q1", "Q2", "Q3", "Q4"):
        example_quarter(project, quarter)
    result = run_csabook("new-year", "2025", root=project.root)
    assert result.returncode == 0, result.stderr
    assert "data/2025/districts/examplebury/review.yml: 6 completed action(s)" in result.stdout
    overlay = project.data / "2025" / "districts" / "examplebury"
    assert not (overlay / "quarterly_returns.yml").exists()
    assert not (project.data / "2025" / "county" / "quarterly_returns.yml").exists()
    review = yaml.safe_load((overlay / "review.yml").read_text(encoding="utf-8"))
    assert [d["action"] for d in review["achievements_draft"]] == ["1.1-1", "1.1-2", "1.2-1", "2.1-2", "3.1-2",
                                                                   "3.2-1"]
    assert review["achievements_draft"][0]["commentary"] == "Completed in the second quarter."
    assert validate_edition(2025, "examplebury", project) == []


def test_status_colours_meet_wcag_aa_and_the_style_sheet_uses_them():
    """Each status's label on its colour is at least 4.5:1, and csabook.css gives each badge the same colours."""
    from csabook.figures.theme import STATUS_STYLE
    from csabook.model.markup import slug
    from csabook.paths import STATIC
    from tests.test_reader_site import contrast

    def rgb(colour):
        colour = {"white": "#ffffff"}.get(colour, colour)
        return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))

    css = (STATIC / "csabook.css").read_text(encoding="utf-8")
    assert list(STATUS_STYLE) == [*STATUSES, "No return"]
    for status, (fill, ink, _) in STATUS_STYLE.items():
        assert contrast(rgb(fill), rgb(ink)) >= 4.5, status
        rule = re.search(rf'\.csa-status\[data-status="{slug(status)}"\] \{{ background: (#[0-9a-f]{{6}}); color: '
                         r'(#[0-9a-f]{6});', css)
        assert rule and (rule.group(1), rule.group(2)) == (fill, {"white": "#ffffff"}.get(ink, ink)), status
