"""The read log: every data file a piece of work looked for, listed or read, with its fingerprint.

The execution cache keys a chapter on this log, so every reader of data files reports here (the loader, the
district register, the year listing). Recording is scoped: `with record_reads() as log:` collects what the block
reads, in this context only. A kernel running chapters for a build has no enclosing `with` across its cells, so the
build calls `start_chapter()` before each notebook and `chapter_reads()` after it (see csabook.pipeline.execute).
Outside both, nothing is recorded.

A fingerprint is 'sha256:<hex>' for a file read, 'present' or 'absent' for a file only looked for, and
'list:<names>' for a folder listed. Paths are relative to the project root.
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Iterator

from csabook.paths import Project


class ReadLog:
    """The files one piece of work looked for, listed or read."""

    def __init__(self):
        self.seen: dict[str, str] = {}

    def note(self, project: Project, path: Path, fingerprint: str) -> None:
        self.add(project.relative(path), fingerprint)

    def add(self, key: str, fingerprint: str) -> None:
        """Record `key`; a file read stays recorded as read when it is looked for again."""
        if fingerprint in ("present", "absent") and self.seen.get(key, "").startswith("sha256:"):
            return
        self.seen[key] = fingerprint

    def snapshot(self) -> dict[str, str]:
        return dict(sorted(self.seen.items()))

    def files_read(self) -> list[str]:
        """The files read (not those only looked for or listed)."""
        return [path for path, kind in self.snapshot().items() if kind.startswith("sha256:")]


_CURRENT: ContextVar[ReadLog | None] = ContextVar("csabook_read_log", default=None)
_chapter: ReadLog | None = None  # the log of the chapter a build's kernel is running, if any


@contextmanager
def record_reads() -> Iterator[ReadLog]:
    """Record every data file read inside the block (also passed on to an enclosing log)."""
    outer = _CURRENT.get()
    log = ReadLog()
    token = _CURRENT.set(log)
    try:
        yield log
    finally:
        _CURRENT.reset(token)
        if outer is not None:
            for key, kind in log.seen.items():
                outer.add(key, kind)


def note(project: Project, path: Path, fingerprint: str) -> None:
    """Report a data file looked for ('present'/'absent'), listed ('list:…') or read ('sha256:…')."""
    log = _CURRENT.get() or _chapter
    if log is not None:
        log.note(project, path, fingerprint)


def start_chapter() -> None:
    """In a build's kernel, before each notebook: start an empty log for the chapter."""
    global _chapter
    _chapter = ReadLog()


def chapter_reads() -> dict[str, str]:
    """In a build's kernel, after a notebook: what the chapter looked for and read since start_chapter()."""
    return _chapter.snapshot() if _chapter is not None else {}


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path) -> list[str]:
    """The names in a folder, sorted (none if it is not a folder)."""
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def fingerprint(path: Path, kind: str) -> str:
    """The current fingerprint of `path` in the form recorded as `kind`."""
    if kind.startswith("sha256:"):
        return "sha256:" + sha256_of(path) if path.is_file() else "absent"
    if kind.startswith("list:"):
        return "list:" + ",".join(listing(path))
    return "present" if path.is_file() else "absent"
