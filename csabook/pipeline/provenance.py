"""Where each page came from: the data files it read (with short hashes), its parameters, csabook's version and
commit, and the build date. Shown at the end of every page and written as provenance.json per edition."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess

from csabook.version import __version__
from csabook.model.editions import Edition
from csabook.paths import Project


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


def page_note(edition: Edition, dependencies: dict[str, str], commit: str, date: str) -> str:
    """The Markdown of a page's provenance note (only generated text: paths, hashes, versions)."""
    files = files_read(dependencies)
    listed = "\n".join(f"- `{f['path']}` (sha256 `{f['sha256'][:12]}`)" for f in files) or "- none"
    params = ", ".join(f"{k} `{v}`" for k, v in edition.parameters().items())
    # Plain CommonMark, so that the site (MyST) and the PDF (markdown-it) both render it.
    return ("***\n\n"
            f"**Provenance.** Data files read:\n\n{listed}\n\n"
            f"Parameters: {params}. Built with csabook {__version__} (commit `{commit}`) on {date}.\n")


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
