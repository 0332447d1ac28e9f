"""The progress part of built editions: its numbers equal what the returns said, a year without returns has no
progress page, the fictional example's four quarters end in a year-end summary (site and PDF), and the new page
works in a browser (offline, axe, CSV downloads, the per-lead filter)."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from csabook.model.editions import pdf_name
from csabook.model.quarters import STATUSES
from tests.conftest import copy_project, run_csabook
from tests import REPO
from tests.test_monitoring import BLANK, import_returns, q2  # noqa: F401 (q2 is a fixture)

README = (REPO / "README.md").read_text(encoding="utf-8")

pytestmark = pytest.mark.built

DOWNLOADS = "_static/downloads"


def read_download(edition, name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO((edition / DOWNLOADS / name).read_text(encoding="utf-8"))))


def test_the_county_edition_shows_what_the_returns_said(q2):
    project, folder, returned = q2
    assert import_returns(project, sorted(folder.glob("*.xlsx"))).returncode == 0
    result = run_csabook("build", "--year", "2024", "--no-pdf", root=project.root)
    assert result.returncode == 0, result.stderr
    edition = project.build / "site" / "2024" / "county"
    page = (edition / "progress.html").read_text(encoding="utf-8")
    assert "Status of actions at 30 September 2024" in page
    summary = {r["Status"]: int(r["Actions"]) for r in read_download(edition, "status-of-actions-at-30-september-2024.csv")}
    assert summary == {**{s: list(returned.values()).count(s) for s in STATUSES}, "No return": len(BLANK),
                       "Total": 39}
    every = read_download(edition, "every-action-and-its-status-at-30-september-2024.csv")
    assert {r["Action ID"]: r["Status"] for r in every} == {**returned, **{i: "No return" for i in BLANK}}
    late = read_download(edition, "overdue-actions-at-30-september-2024.csv")
    assert [r["Action ID"] for r in late] == [r["Action ID"] for r in every
                                              if r["Due"] and r["Due"] < "2024-09-30" and r["Status"] != "Complete"]
    missing = read_download(edition, "actions-with-no-return-for-q2-by-lead-agency.csv")
    assert sorted({i for r in missing for i in r["Action IDs"].splitlines()}) == sorted(BLANK)
    assert "Year-end performance summary" not in page  # Q2 is not the year's end
    assert "progress.html" in (edition / "action_plan.html").read_text(encoding="utf-8")  # in the contents


def test_a_year_without_returns_has_no_progress_page(site):
    assert (site / "2024" / "county" / "action_plan.html").is_file()
    assert not (site / "2024" / "county" / "progress.html").exists()
    assert "progress.html" not in (site / "2024" / "county" / "index.html").read_text(encoding="utf-8")


def runbook_script() -> str:
    """The shell block of the README's quarterly monitoring runbook, exactly as a reader would paste it."""
    section = README.split("## Runbook: quarterly monitoring", 1)[1].split("\n## ", 1)[0]
    return re.search(r"^```\n(.*?)^```", section, flags=re.M | re.S).group(1)


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """The fictional Examplebury edition of 2024 after four quarters of returns, built with its PDF by the README's
    runbook as typed (with .venv's csabook and python first on the PATH, as `source .venv/bin/activate` puts them)."""
    project = copy_project(tmp_path_factory.mktemp("example"))
    shutil.copytree(REPO / "examples", project.root / "examples")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("CSABOOK_ROOT", None)
    result = subprocess.run(["bash", "-e", "-c", runbook_script()], cwd=project.root, env=env, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Actions with no return: 2: 1.2-1, 2.2-1" in result.stdout  # Q2: the housing trust did not return
    return project.build / "site" / "2024" / "examplebury"


def test_the_example_ends_the_year_with_its_summary_in_the_site_and_the_pdf(example):
    from pypdf import PdfReader

    page = (example / "progress.html").read_text(encoding="utf-8")
    assert "Year-end performance summary" in page and "Status of actions at 31 March 2025" in page
    history = read_download(example, "status-of-each-action-by-quarter.csv")
    assert list(history[0]) == ["Action ID", "Due", "Q1", "Q2", "Q3", "Q4"]
    totals = read_download(example, "actions-complete-by-priority-at-31-march-2025.csv")
    assert totals[-1] == {"Priority": "Total", "Actions": "9", "Complete": "6", "Complete (%)": "67"}
    pages = [" ".join((p.extract_text() or "").split()) for p in PdfReader(example / pdf_name(2024, "examplebury")).pages]
    # the title page fits one page: the district's table of where each section comes from has a page of its own
    assert "Examplebury Community Safety Partnership Action Plan 2024/25" in pages[0]
    assert "Where each section of this edition comes from" not in pages[0]
    assert "Local and county-wide content" in pages[1][:60] and "Contents" in pages[2][:40]
    text = " ".join(pages)
    assert "Progress report" in text and "Year-end performance summary" in text
    assert "Status of actions at 31 March 2025" in text


def test_the_progress_page_in_a_browser(example):
    from axe_playwright_python.sync_playwright import Axe

    from tests.browser import browser_session, serve
    from tests.test_reader_site import PAGE_CHECKS, read_csv

    with serve(example) as base, browser_session() as (page, record):
        page.goto(f"{base}/progress.html", wait_until="networkidle")
        assert page.evaluate(PAGE_CHECKS) == []
        assert record.problems() == []
        record.clear()  # axe-core re-reads the style sheets itself (see test_reader_site): only its findings count
        violations = [f"{v['id']}: {v['help']}" for v in Axe().run(page).response["violations"]
                      if v["impact"] in ("serious", "critical")]
        assert violations == [] and record.blocked == []
        record.clear()
        tables = page.locator("main table").all()
        assert len(tables) == 8  # no "no return" table: every action has a Q4 return
        for table in tables:
            link = page.locator(f'a[data-csa-csv="{table.get_attribute("id")}"]')
            rows = read_csv(page, f"{base}/{link.get_attribute('href')}")
            assert len(rows) - 1 == table.locator("tbody tr").count(), table.get_attribute("id")
        badges = page.locator("main .csa-status")
        assert badges.count() > 0
        assert set(badges.all_inner_texts()) <= {*STATUSES, "No return"}  # every colour carries its words
        box = page.locator("[data-csa-filter]").first
        box.locator("select").first.select_option("Examplebury Youth Service (fictional)")
        visible = box.locator("tbody tr:visible")
        assert visible.count() == 3
        assert box.locator(".csa-filter-count").inner_text() == "Showing 3 of 9 actions."
        assert record.problems() == []


def test_the_district_edition_names_its_district_in_its_title_and_h1(example):
    home = (example / "index.html").read_text(encoding="utf-8")
    h1 = re.search(r'<article class="bd-article">.*?<h1>(.*?)<a class="headerlink"', home, re.S).group(1)
    assert h1.strip() == "Examplebury Community Safety Partnership Action Plan 2024/25 (FICTIONAL example)"
    assert "Examplebury" in re.search(r"<title>(.*?)</title>", home, re.S).group(1)
