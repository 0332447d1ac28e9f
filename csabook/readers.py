"""Read YAML and CSV files strictly, keeping the line of every key and row for error messages."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import DataError, Problem


@dataclass
class Parsed:
    """A parsed file: its content and, for each key path, the line it stands on (1-based)."""

    content: object
    lines: dict[tuple, int] = field(default_factory=dict)
    sha256: str = ""  # of the bytes read, so that nobody needs to read the file again to hash it

    def line_of(self, path: tuple) -> int | None:
        """The line of the longest prefix of `path` that has one."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The safe loader (libyaml's when available: several times faster) that refuses duplicate keys."""

    def construct_mapping(self, node, deep=False):
        seen: dict = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise DataError(
                    [Problem("", f"line {key_node.start_mark.line + 1}", f"duplicate key '{key}'",
                             f"each key once (first at line {seen[key]})")]
                )
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


def _index_lines(node, path: tuple, lines: dict) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = path + (key_node.value,)
            lines[child] = key_node.start_mark.line + 1
            _index_lines(value_node, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index_lines(item, path + (i,), lines)


def read_text(path: Path, shown: str) -> tuple[str, str]:
    """The file as text (UTF-8, no byte-order mark, not empty), and the sha256 of its bytes."""
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raise DataError([Problem(shown, "line 1", "the file starts with a byte-order mark (BOM)",
                                 "UTF-8 without a BOM; re-save the file as plain UTF-8")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError([Problem(shown, f"line {line}", f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
                                 "UTF-8 text; re-save the file as UTF-8")]) from None
    if not text.strip():
        raise DataError([Problem(shown, "line 1", "the file is empty", "the file's content")])
    return text, hashlib.sha256(raw).hexdigest()


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.splitlines()
    return lines[line][column] if line < len(lines) and column < len(lines[line]) else ""


def read_yaml(path: Path, shown: str) -> Parsed:
    """Parse a YAML file into content plus a key-path → line map."""
    text, sha256 = read_text(path, shown)
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        content = loader.construct_document(node) if node is not None else None
    except DataError as exc:
        raise DataError([Problem(shown, p.location, p.message, p.expected) for p in exc.problems]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = exc.problem or "malformed YAML"
        if "'\\t'" in what or "tab" in what or (mark and _char_at(text, mark.line, mark.column) == "\t"):
            what = "a tab character is used where YAML needs spaces"
        raise DataError([Problem(shown, where, f"invalid YAML: {what}",
                                 "valid YAML indented with spaces")]) from None
    except yaml.YAMLError as exc:
        raise DataError([Problem(shown, "", f"invalid YAML: {exc}", "valid YAML")]) from None
    finally:
        loader.dispose()
    lines: dict[tuple, int] = {}
    if node is not None:
        _index_lines(node, (), lines)
    return Parsed(content, lines, sha256)


def read_csv(path: Path, shown: str, columns: list[str]) -> Parsed:
    """Parse a CSV file with exactly `columns` into a list of row dicts; rows map to their line numbers."""
    text, sha256 = read_text(path, shown)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    problems: list[Problem] = []
    try:
        header = next(reader)
    except csv.Error as exc:
        raise DataError([Problem(shown, "line 1", f"invalid CSV: {exc}", "a comma-separated header row")]) from None
    header = [h.strip() for h in header]
    if len(header) == 1 and any(sep in header[0] for sep in (";", "\t", "|")):
        raise DataError([Problem(shown, "line 1", f"the header '{header[0]}' is one column",
                                 f"comma-separated columns {','.join(columns)}")])
    missing = [c for c in columns if c not in header]
    extra = [c for c in header if c not in columns]
    for c in missing:
        problems.append(Problem(shown, "line 1", f"missing column '{c}'", f"columns {','.join(columns)}"))
    for c in extra:
        problems.append(Problem(shown, "line 1", f"unknown column '{c}'", f"columns {','.join(columns)}"))
    dupes = sorted({c for c in header if header.count(c) > 1})
    for c in dupes:
        problems.append(Problem(shown, "line 1", f"column '{c}' appears more than once", "each column once"))
    if problems:
        raise DataError(problems)
    rows: list[dict] = []
    lines: dict[tuple, int] = {(): 1}
    try:
        for record in reader:
            line = reader.line_num
            if not record or all(not cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                problems.append(Problem(shown, f"line {line}", f"row has {len(record)} cells",
                                        f"{len(header)} cells ({','.join(header)})"))
                continue
            lines[(len(rows),)] = line
            rows.append(dict(zip(header, record)))
    except csv.Error as exc:
        problems.append(Problem(shown, f"line {reader.line_num}", f"invalid CSV: {exc}", "well-formed CSV quoting"))
    if problems:
        raise DataError(problems)
    if not rows:
        raise DataError([Problem(shown, "line 2", "the table has no rows", "at least one data row")])
    return Parsed(rows, lines, sha256)
