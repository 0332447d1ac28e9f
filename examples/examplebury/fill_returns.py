"""Fill in the FICTIONAL Examplebury return workbooks for one quarter, as its lead agencies would.

Examplebury is not a real place: the statuses come from returns-2024.yml beside this script. It reads the blank
workbooks that `csabook returns template --year 2024 --district examplebury --quarter Q` wrote into
_build/returns/2024-examplebury-Q/ and writes the filled-in ones, only for the agencies that return that quarter,
into _build/returns/2024-examplebury-Q-filled/, ready for `csabook returns import`.

Usage (from the project folder): python examples/examplebury/fill_returns.py Q1
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import yaml
from openpyxl import load_workbook

HERE = Path(__file__).resolve().parent
COLUMNS = {"Action ID": 1, "Status": 9, "Commentary": 10, "Updated by": 11, "Date updated": 12}


def fill(quarter: str, root: Path = Path(".")) -> list[Path]:
    returns = yaml.safe_load((HERE / "returns-2024.yml").read_text(encoding="utf-8"))[quarter]
    blank = root / "_build" / "returns" / f"2024-examplebury-{quarter}"
    out = root / "_build" / "returns" / f"2024-examplebury-{quarter}-filled"
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.xlsx"):
        old.unlink()
    written = []
    for slug, answer in returns.items():
        book = load_workbook(blank / f"{slug}.xlsx")
        sheet = book["Return"]
        for row in range(2, sheet.max_row + 1):
            given = answer["rows"].get(sheet.cell(row, COLUMNS["Action ID"]).value)
            status, commentary = (given["status"], given.get("commentary", "")) if given else ("", "")
            sheet.cell(row, COLUMNS["Status"]).value = status  # a row left blank is no return for that action
            sheet.cell(row, COLUMNS["Commentary"]).value = commentary
            sheet.cell(row, COLUMNS["Updated by"]).value = answer["updated_by"] if given else ""
            sheet.cell(row, COLUMNS["Date updated"]).value = date.fromisoformat(answer["date_updated"]) if given else None
        book.save(out / f"{slug}.xlsx")
        written.append(out / f"{slug}.xlsx")
    return written


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in ("Q1", "Q2", "Q3", "Q4"):
        sys.exit("usage: python examples/examplebury/fill_returns.py Q1|Q2|Q3|Q4")
    for path in fill(sys.argv[1]):
        print(f"filled {path}")
