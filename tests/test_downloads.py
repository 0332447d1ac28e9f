"""Downloads: each table's CSV travels with its output, is written from the same data, and stays plain text."""

import csv
import io
import json

import pandas as pd
import pytest

from csabook.html import downloads

from csabook.html import primitives as html
from csabook.errors import BuildError
from tests import REPO

from .built import SITE

BOOK = REPO / "book" / "2022" / "county"


def parse(text):
    return list(csv.reader(io.StringIO(text)))


def test_table_links_its_csv_and_carries_the_same_rows():
    frame = pd.DataFrame({"Issue": ["<b>x</b>", "=HYPERLINK(\"http://x\")"], "Count": [1, 2],
                          "Items": [["one", "two"], []]})
    out = html.table(frame, "Test table: issues", numeric=["Count"])
    assert '<table class="csa-table" id="table-test-table-issues">' in out.markup
    assert ('<a href="_static/downloads/test-table-issues.csv" download data-csa-csv="table-test-table-issues">'
            "Download CSV") in out.markup
    (entry,) = out.downloads
    assert entry["name"] == "test-table-issues.csv"
    rows = parse(entry["csv"])
    assert rows == [["Issue", "Count", "Items"], ["<b>x</b>", "1", "one\ntwo"], ["'=HYPERLINK(\"http://x\")", "2", ""]]
    assert "&lt;b&gt;" in out.markup and "<b>x" not in out.markup


def test_downloads_survive_joining_and_reach_the_mime_bundle():
    first = html.table(pd.DataFrame({"A": [1]}), "First")
    second = html.table(pd.DataFrame({"B": [2]}), "Second")
    joined = html.join([html.heading("x"), first + second])
    assert [d["name"] for d in joined.downloads] == ["first.csv", "second.csv"]
    bundle = joined._repr_mimebundle_()
    assert bundle["text/html"] == joined.markup
    assert [f["name"] for f in bundle[downloads.MIME]["files"]] == ["first.csv", "second.csv"]
    assert downloads.MIME not in html.heading("no table")._repr_mimebundle_()
    json.dumps(bundle)


def test_csv_keeps_numbers_and_only_guards_formula_text():
    assert downloads.csv_safe("-12") == "-12" and downloads.csv_safe("-x") == "'-x"
    assert downloads.csv_safe("@SUM(A1)") == "'@SUM(A1)" and downloads.csv_safe("plain") == "plain"
    assert parse(downloads.csv_text(["a", "b"], [[3.5, None]])) == [["a", "b"], ["3.5", ""]]


def test_one_name_for_two_different_tables_is_an_error(tmp_path):
    def notebook(name, csv_text):
        data = {"text/html": "<p></p>", downloads.MIME: {"files": [{"name": "t.csv", "csv": csv_text}]}}
        path = tmp_path / f"{name}.ipynb"
        path.write_text(json.dumps({"cells": [{"cell_type": "code", "outputs": [
            {"output_type": "display_data", "data": data}]}]}), encoding="utf-8")
        return path

    same = downloads.collect_downloads([notebook("a", "x\n1\n"), notebook("b", "x\n1\n")])
    assert list(same) == ["t.csv"]
    with pytest.raises(BuildError, match="two different tables would both be downloaded as t.csv"):
        downloads.collect_downloads([notebook("a", "x\n1\n"), notebook("c", "x\n2\n")])


def test_workbook_keeps_text_as_text(tmp_path):
    from openpyxl import load_workbook

    frame = pd.DataFrame({"Text": ["=1+1", "a\nb"], "N": [3, 4]})
    entry = downloads.workbook_download("plan", {"Sheet one": frame})
    downloads.write_workbook(tmp_path / entry["name"], entry["sheets"])
    sheet = load_workbook(tmp_path / "plan.xlsx")["Sheet one"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [["Text", "N"], ["=1+1", 3], ["a\nb", 4]]
    assert sheet["A2"].data_type == "s"


def test_executed_notebooks_carry_their_tables_csv_and_the_site_shows_only_html(site):
    entries = downloads.notebook_downloads(BOOK / "leads.ipynb")
    assert [e["name"] for e in entries] == ["lead-officers-for-each-priority.csv"]
    assert len(parse(entries[0]["csv"])) == 1 + 8
    page = (SITE / "2022" / "county" / "leads.html").read_text(encoding="utf-8")
    assert "Download CSV" in page and downloads.MIME not in page and '"csv":' not in page
    written = SITE / "2022" / "county" / downloads.FOLDER / "lead-officers-for-each-priority.csv"
    assert written.read_text(encoding="utf-8") == entries[0]["csv"]
