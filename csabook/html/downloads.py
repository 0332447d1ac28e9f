"""Downloads beside the tables: a CSV for every table, and workbooks (.xlsx), written when an edition is built.

A table's download travels inside the executed notebook, as a second MIME type of the same output that shows the
table (`MIME`, JSON). The book renders only the text/html; at assembly time `write_downloads` reads the executed
notebooks and writes each file into the edition's html folder. The files therefore always come from the same data
as the table on the page, even when a notebook's outputs are reused rather than executed again.
"""

from __future__ import annotations

import csv
import io
import json
import numbers
import re
from datetime import datetime
from pathlib import Path
from typing import Iterable

from csabook.errors import BuildError

MIME = "application/vnd.csabook.html.downloads+json"
FOLDER = "_static/downloads"

# A spreadsheet program would run a cell starting with one of these as a formula; data text is untrusted.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*\.(csv|xlsx)$")


def href(name: str) -> str:
    """The link to a download from any page of the edition (every page sits at the edition's root)."""
    return f"{FOLDER}/{name}"


def cell_text(value) -> str:
    """A table cell as plain text: a list becomes one item per line, a missing value an empty cell."""
    if isinstance(value, (list, tuple)):
        return "\n".join(cell_text(v) for v in value)
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def csv_safe(text: str) -> str:
    """Text that a spreadsheet opening the CSV shows as text, never runs as a formula."""
    if text.startswith(_FORMULA_START) and not _NUMBER.match(text):
        return "'" + text
    return text


def frame_rows(frame) -> tuple[list[str], list[list]]:
    """The columns and rows of a DataFrame, each cell as text (lists one item per line) or a plain number."""
    columns = [str(c) for c in frame.columns]
    rows = []
    for row in frame.itertuples(index=False):
        cells = []
        for value in row:
            if isinstance(value, numbers.Real) and not isinstance(value, bool) and value == value:
                cells.append(int(value) if float(value).is_integer() else float(value))
            else:
                cells.append(cell_text(value))
        rows.append(cells)
    return columns, rows


def csv_text(columns: list[str], rows: Iterable[list]) -> str:
    """UTF-8 CSV text with a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([csv_safe(c) for c in columns])
    for row in rows:
        writer.writerow([csv_safe(cell_text(v)) for v in row])
    return out.getvalue()


def csv_download(frame, name: str) -> dict:
    """The download entry of a table: `name` (…csv) and its CSV text."""
    columns, rows = frame_rows(frame)
    return {"name": f"{name}.csv", "csv": csv_text(columns, rows)}


def workbook_download(name: str, sheets: dict) -> dict:
    """The download entry of a workbook: `name` (…xlsx) and, per sheet, its columns and rows."""
    return {"name": f"{name}.xlsx",
            "sheets": [dict(zip(("name", "columns", "rows"), (title, *frame_rows(frame))))
                       for title, frame in sheets.items()]}


def notebook_downloads(notebook: Path) -> list[dict]:
    """Every download entry in the outputs of an executed notebook, in order."""
    found = []
    for cell in json.loads(notebook.read_text(encoding="utf-8")).get("cells", []):
        for output in cell.get("outputs", []):
            entry = output.get("data", {}).get(MIME)
            if entry:
                found += entry.get("files", [])
    return found


def collect_downloads(notebooks: Iterable[Path]) -> dict[str, dict]:
    """The edition's downloads by file name; one name holding two different files is an error."""
    chosen: dict[str, tuple[dict, Path]] = {}
    for notebook in notebooks:
        for entry in notebook_downloads(notebook):
            name = entry.get("name", "")
            if not _NAME.match(name):
                raise BuildError(f"{notebook.name}: download name {name!r} is not a lower-case slug ending in "
                                 ".csv or .xlsx")
            if name in chosen and chosen[name][0] != entry:
                raise BuildError(f"two different tables would both be downloaded as {name} "
                                 f"({chosen[name][1].name} and {notebook.name})",
                                 hint="Give each table of an edition its own caption.")
            chosen.setdefault(name, (entry, notebook))
    return {name: entry for name, (entry, _) in chosen.items()}


def write_workbook(path: Path, sheets: list[dict]) -> Path:
    """An .xlsx with one sheet per entry: a bold, frozen header row, text as text (never formulas)."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    workbook.set_properties({"created": datetime(2000, 1, 1)})
    header = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    for sheet in sheets:
        ws = workbook.add_worksheet(sheet["name"][:31])
        for c, title in enumerate(sheet["columns"]):
            ws.write_string(0, c, title, header)
            longest = max([len(title)] + [len(str(r[c])) for r in sheet["rows"]])
            ws.set_column(c, c, min(max(10, longest), 60))
        for r, row in enumerate(sheet["rows"], 1):
            for c, value in enumerate(row):
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    ws.write_number(r, c, value, wrap)
                else:
                    ws.write_string(r, c, cell_text(value), wrap)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(len(sheet["rows"]), 1), max(len(sheet["columns"]) - 1, 0))
    workbook.close()
    return path


def write_downloads(book_dir: Path, html_dir: Path) -> list[Path]:
    """Write every download of the executed notebooks in `book_dir` into `html_dir`/_static/downloads."""
    downloads = collect_downloads(sorted(book_dir.glob("*.ipynb")))
    folder = html_dir / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, entry in sorted(downloads.items()):
        path = folder / name
        if "csv" in entry:
            path.write_text(entry["csv"], encoding="utf-8", newline="")
        else:
            write_workbook(path, entry["sheets"])
        written.append(path)
    return written
