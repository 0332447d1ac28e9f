"""Quarterly return templates: one workbook per lead agency, every action in each of its leads' workbooks."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from csabook import open_edition
from csabook.model.agencies import load_agencies
from csabook.model.quarters import STATUSES, quarter_end
from csabook.tools.quarterly import LOCKED, RETURN_COLUMNS

HEADER = ["Action ID", "Priority", "Objective", "Action", "Measure", "Timescale", "Due", "Lead Agency", "Status",
          "Commentary", "Updated by", "Date updated"]


def test_quarters_follow_the_financial_year():
    assert quarter_end(2024, "Q1") == date(2024, 6, 30)
    assert quarter_end(2024, "Q2") == date(2024, 9, 30)
    assert quarter_end(2024, "Q3") == date(2024, 12, 31)
    assert quarter_end(2024, "Q4") == date(2025, 3, 31)
    with pytest.raises(ValueError):
        quarter_end(2024, "Q5")


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    from tests.conftest import run_csabook

    out = tmp_path_factory.mktemp("returns")
    result = run_csabook("returns", "template", "--year", "2024", "--quarter", "Q2", "--out", out)
    assert result.returncode == 0, result.stderr
    assert "(report date 2024-09-30)" in result.stdout
    return out


def test_one_workbook_per_lead_agency_and_every_action_in_each_of_its_leads(written):
    agencies, plan = load_agencies(), open_edition(2024).action_plan
    expected: dict[str, list[str]] = {}
    for objective in plan.objectives:
        for row in objective.rows:
            for agency in agencies.named(row.agencies):
                expected.setdefault(agency.slug, []).append(row.id)
    assert sorted(p.stem for p in written.glob("*.xlsx")) == sorted(expected)
    for slug, ids in expected.items():
        sheet = load_workbook(written / f"{slug}.xlsx")["Return"]
        assert [c.value for c in sheet[1]] == HEADER == list(RETURN_COLUMNS)
        assert [r[0].value for r in sheet.iter_rows(min_row=2)] == ids, slug


def test_the_filled_in_columns_are_locked_and_status_is_a_drop_down(written):
    book = load_workbook(written / "kcst.xlsx")
    sheet = book["Return"]
    assert sheet.protection.sheet
    rows = list(sheet.iter_rows(min_row=2))
    for row in rows:
        for cell, name in zip(row, HEADER):
            assert cell.protection.locked == (name in LOCKED), (cell.coordinate, name)
    (rule,) = sheet.data_validations.dataValidation
    assert rule.type == "list" and rule.formula1 == '"' + ",".join(STATUSES) + '"'
    assert str(rule.sqref) == f"I2:I{len(rows) + 1}"
    assert list(STATUSES) == ["Complete", "On track", "At risk", "Off track", "Not started"]
    assert "Instructions" in book.sheetnames


def test_due_is_the_parsed_date_and_blank_for_ongoing_actions(written):
    sheet = load_workbook(written / "kcst.xlsx")["Return"]
    values = {r[0].value: (r[5].value, r[6].value) for r in sheet.iter_rows(min_row=2)}
    assert values["1.1-1"] == ("Ongoing", None)
    timescale, due = next(v for v in values.values() if v[0] == "March 2025")
    assert due == "2025-03-31"


def test_a_year_without_an_action_plan_is_one_line(run_cli, tmp_path):
    result = run_cli("returns", "template", "--year", "2022", "--quarter", "Q1", "--out", tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("error: 2022 has no action plan for the county; expected a year with "
                                    "action_plan.yml"), result.stderr
    assert not list(tmp_path.iterdir())
