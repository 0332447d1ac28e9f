"""Read YAML and CSV files strictly, keeping the line of every key and row for error messages."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from csabook.errors import DataError, Problem


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


MAX_FILE_BYTES = 2_000_000  # a data file; the largest real one is under 100 KB
MAX_DEPTH = 40  # nesting of mappings and lists; the real data nests at most 8 deep

_MERGE = "tag:yaml.org,2002:merge"


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The safe loader (libyaml's when available: several times faster) that refuses duplicate keys and types
    scalars by the YAML 1.2 core schema, stricter still: only true/false, null and plain decimal numbers are typed,
    so `1:20`, `010`, `0x1F`, `yes` and dates stay text, as written."""

    yaml_implicit_resolvers: dict = {}

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


for _tag, _pattern, _first in (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:int", r"^[-+]?(?:0|[1-9][0-9]*)$", list("-+0123456789")),
    ("tag:yaml.org,2002:float", r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$", list("-+0123456789.")),
    (_MERGE, r"^<<$", ["<"]),
):
    _StrictLoader.add_implicit_resolver(_tag, re.compile(_pattern), _first)


def _check_and_index(root, shown: str) -> dict[tuple, int]:
    """The key path -> line map of a composed document, refusing what would make reading it unbounded or
    surprising: aliases (a repeated or recursive node), the merge key '<<', and nesting deeper than MAX_DEPTH.

    Iterative, and each node is visited once, so no document can make it recurse or expand.
    """
    lines: dict[tuple, int] = {}
    seen: set[int] = set()
    stack = [(root, (), 0)]
    while stack:
        node, path, depth = stack.pop()
        line = node.start_mark.line + 1
        if id(node) in seen:
            raise DataError([Problem(shown, f"line {lines.get(path, line)}", "the value anchored here (&name) is "
                                     "repeated by an alias (*name)", "every value written out: anchors and aliases "
                                     "are not supported")])
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise DataError([Problem(shown, f"line {line}", f"the data nests more than {MAX_DEPTH} levels deep",
                                     f"at most {MAX_DEPTH} levels of mappings and lists")])
        lines.setdefault(path, line)
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.tag == _MERGE:
                    raise DataError([Problem(shown, f"line {key_node.start_mark.line + 1}", "the merge key '<<' is "
                                             "used", "the keys written out in full: merge keys are not supported")])
                if not isinstance(key_node, yaml.ScalarNode):
                    raise DataError([Problem(shown, f"line {key_node.start_mark.line + 1}", "a key is a mapping or "
                                             "a list", "a plain key such as 'title:'")])
                child = path + (key_node.value,)
                lines[child] = key_node.start_mark.line + 1
                stack.append((value_node, child, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                stack.append((item, path + (i,), depth + 1))
    return lines


def read_text(path: Path, shown: str) -> tuple[str, str]:
    """The file as text (UTF-8, a byte-order mark allowed and dropped, not empty), and the sha256 of its bytes."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DataError([Problem(shown, "", f"the file is {size:,} bytes", f"at most {MAX_FILE_BYTES:,} bytes")])
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError([Problem(shown, "", f"the file cannot be read ({exc.strerror or exc})",
                                 "a readable regular file")]) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError([Problem(shown, "line 1", "the file is UTF-16 text",
                                 "UTF-8 text; re-save the file as UTF-8 (Excel: CSV UTF-8)")])
    try:
        text = raw.decode("utf-8-sig")  # Excel's "CSV UTF-8" always writes a byte-order mark
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError([Problem(shown, f"line {line}", f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
                                 "UTF-8 text; re-save the file as UTF-8")]) from None
    if not text.strip():
        raise DataError([Problem(shown, "line 1", "the file is empty", "the file's content")])
    return text, hashlib.sha256(raw).hexdigest()


def _unclosed_quote(text: str, last: int) -> int | None:
    """The first line (0-based, up to `last`) where a double-quoted value opens and does not close: the usual cause
    of a YAML error reported some lines further on. Data files keep each quoted value on one line."""
    for number, line in enumerate(text.splitlines()[: last + 1]):
        content = line.split(" #")[0].replace('\\\\', "").replace('\\"', "")
        if content.lstrip().startswith("#"):
            continue
        if content.count('"') % 2:
            return number
    return None


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.splitlines()
    return lines[line][column] if line < len(lines) and column < len(lines[line]) else ""


def read_yaml(path: Path, shown: str) -> Parsed:
    """Parse a YAML file into content plus a key-path → line map."""
    text, sha256 = read_text(path, shown)
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        lines = _check_and_index(node, shown) if node is not None else {}
        content = loader.construct_document(node) if node is not None else None
    except DataError as exc:
        raise DataError([Problem(shown, p.location, p.message, p.expected) for p in exc.problems]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what, expected = exc.problem or "malformed YAML", "valid YAML indented with spaces"
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        if "nesting depth" in what:  # PyYAML's own limit (6.0.4 and newer), far above ours: say ours
            raise DataError([Problem(shown, f"line {mark.line + 1}" if mark else "",
                                     f"the data nests more than {MAX_DEPTH} levels deep",
                                     f"at most {MAX_DEPTH} levels of mappings and lists")]) from None
        if exc.context and "quoted scalar" in exc.context and exc.context_mark:
            # reported where the quote opens, not where the parser gave up
            mark = exc.context_mark
            where = f"line {mark.line + 1}, column {mark.column + 1}"
            what, expected = "a quoted value is not closed", "the closing quote on its line"
        elif mark and (opened := _unclosed_quote(text, mark.line)) is not None:
            where = f"line {opened + 1}"
            what = f"a quoted value is not closed on its line (the parser stopped at line {mark.line + 1})"
            expected = "the closing quote on that line"
        if "'\\t'" in what or "tab" in what or (mark and _char_at(text, mark.line, mark.column) == "\t"):
            what = "a tab character is used where YAML needs spaces"
        raise DataError([Problem(shown, where, f"invalid YAML: {what}", expected)]) from None
    except yaml.YAMLError as exc:
        raise DataError([Problem(shown, "", f"invalid YAML: {exc}", "valid YAML")]) from None
    finally:
        loader.dispose()
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
