"""Where each page came from: the data files it read (with short hashes), its parameters, csabook's version and
commit, and the build date. Each page ends with it in a collapsed "About this page's data" element; each edition has a
provenance page (the PDF's last appendix) and provenance.json."""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import subprocess

from csabook.version import __version__
from csabook.model.editions import Edition
from csabook.paths import Project
from csabook.model.markup import markdown_text


def build_moment() -> dt.datetime:
    """When the build happened: from SOURCE_DATE_EPOCH when set (reproducible builds), else now; UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch and epoch.isdigit() else \
        dt.datetime.now(dt.timezone.utc)


def build_date() -> str:
    """The build date as pages and provenance.json show it."""
    return build_moment().strftime("%Y-%m-%d %H:%M UTC")


def git_commit(project: Project) -> str:
    """The project's git commit (short), or 'unknown' outside a git checkout."""
    try:
        result = subprocess.run(["git", "-C", str(project.root), "rev-parse", "--short=12", "HEAD"],
                                capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else "unknown"


def files_read(dependencies: dict[str, str]) -> list[dict]:
    """The data files a page read (not those it only looked for), each with its sha256."""
    return [{"path": path, "sha256": mark.split(":", 1)[1]} for path, mark in sorted(dependencies.items())
            if mark.startswith("sha256:")]


NOTE_ID = "csabook-provenance"  # the id of the cell that holds a page's note in its book notebook
PAGE = "provenance"  # the edition's provenance page (book/<year>/<district>/provenance.ipynb)
PAGE_TITLE = "Sources and provenance"


def _code(text) -> str:
    return f"<code>{html.escape(str(text))}</code>"


def page_note(edition: Edition, dependencies: dict[str, str], commit: str, date: str) -> str:
    """A page's provenance note: one collapsed <details> element of generated text only (paths, hashes,
    versions), each escaped. It is one HTML block with no blank line, which MyST passes through whole; the PDF
    leaves it out and prints the edition's provenance page instead."""
    files = files_read(dependencies)
    listed = "".join(f"<li>{_code(f['path'])} (sha256 {_code(f['sha256'][:12])})</li>" for f in files) or "<li>none</li>"
    params = ", ".join(f"{html.escape(k)} {_code(v)}" for k, v in edition.parameters().items())
    return ('<details class="csa-provenance">\n'
            "<summary>About this page's data</summary>\n"
            f"<p>Data files read:</p>\n<ul>{listed}</ul>\n"
            f"<p>Parameters: {params}. Built with csabook {html.escape(__version__)} (commit {_code(commit)}) on "
            f'{html.escape(date)}. <a href="{PAGE}.html">Where every page of this edition comes from</a>.</p>\n'
            "</details>\n")


def _md_code(text) -> str:
    return "`" + str(text).replace("`", "") + "`"


def edition_page(edition: Edition, pages: list[tuple[str, str, dict[str, str], tuple[str, str]]]) -> str:
    """The Markdown of the edition's provenance page: for each page (name, title, read log, (commit, date)) in
    book order, the data files it read with their hashes, and when it was built. Plain CommonMark of generated
    text, which the site (MyST) and the PDF (markdown-it) both render."""
    params = ", ".join(f"{k} {_md_code(v)}" for k, v in edition.parameters().items())
    lines = [f"# {PAGE_TITLE}", "",
             "Every page of this edition is built from the data files listed under its title. Each file's sha256 "
             "checksum (its first 12 characters here) identifies the exact version that was read. The file "
             "`provenance.json`, published with the edition, gives the same record with full checksums.", "",
             f"Parameters: {params}. Built with csabook {__version__}.", ""]
    for _name, title, dependencies, (commit, date) in pages:
        lines += [f"## {markdown_text(title)}", "", f"Built from commit {_md_code(commit)} on {date}.", ""]
        files = files_read(dependencies)
        lines += [f"- {_md_code(f['path'])} (sha256 {_md_code(f['sha256'][:12])})" for f in files] or ["- none"]
        lines.append("")
    return "\n".join(lines)


def edition_record(edition: Edition, pages: dict[str, dict], commit: str, date: str,
                   noted: dict[str, tuple[str, str]] | None = None) -> str:
    """provenance.json for an edition: every page's files with full hashes, parameters, version, commit, date.

    `noted`: the (commit, date) each page's note gives, where it differs from the edition's (a page unchanged since
    an earlier build keeps the note of the build that made it)."""
    noted = noted or {}
    record = {"edition": edition.key, "name": edition.label(), "parameters": edition.parameters(),
              "csabook": __version__, "commit": commit, "built": date,
              "pages": {name: {"files": files_read(deps),
                               **({"commit": noted[name][0], "built": noted[name][1]}
                                  if noted.get(name, (commit, date)) != (commit, date) else {})}
                        for name, deps in pages.items()}}
    return json.dumps(record, indent=1, ensure_ascii=False) + "\n"
