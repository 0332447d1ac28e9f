"""Publishing: one build at a time, and an edition replaced in one atomic step or not at all.

Each published edition is a folder _build/site/.editions/<year>-<district>-<id>/, and _build/site/<year>/<district>
is a relative symbolic link to it. A new build is moved into .editions/ next to the old one, then a new link is
renamed over the old link: rename is atomic, so a reader (or a build killed at any instant, even by SIGKILL) sees
either the old edition or the new one, never a missing or half-written one.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path

from csabook.model.editions import Edition
from csabook.errors import BuildError
from csabook.paths import Project

STORE = ".editions"
STAMP = ".csabook-build.json"  # a published edition's build record: fingerprint, commit, date, identity


def store(project: Project) -> Path:
    return project.site / STORE


def publish(html_dir: Path, edition: Edition, project: Project) -> Path:
    """Make `html_dir` the published edition; the previous version is removed once the link points away."""
    target = project.site / edition.key
    target.parent.mkdir(parents=True, exist_ok=True)
    store(project).mkdir(parents=True, exist_ok=True)
    version = store(project) / f"{edition.stem}-{uuid.uuid4().hex[:12]}"
    os.rename(html_dir, version)
    previous = target.resolve() if target.is_symlink() else None
    if target.exists() and not target.is_symlink():
        # A site published before links were used: move the folder into the store first.
        os.rename(target, store(project) / f"{edition.stem}-old-{uuid.uuid4().hex[:12]}")
    link = target.parent / f".{edition.district}.{uuid.uuid4().hex[:8]}.link"
    os.symlink(os.path.relpath(version, target.parent), link)
    os.replace(link, target)
    if previous is not None and previous != version and previous.parent == store(project):
        shutil.rmtree(previous, ignore_errors=True)
    return target


def published_version(edition: Edition, project: Project) -> Path | None:
    """The folder the edition's link points to, if it is published."""
    target = project.site / edition.key
    return target.resolve() if target.exists() else None


def is_published(edition: Edition, project: Project) -> bool:
    """True when the edition has a published site (the one test of "is this edition built?")."""
    version = published_version(edition, project)
    return version is not None and (version / "index.html").is_file()


def clean_unreferenced(project: Project) -> None:
    """Remove what a killed build left behind: new links never renamed, versions no link points to."""
    if not project.site.is_dir():
        return
    live = set()
    for year in project.site.iterdir():
        if year.is_dir() and not year.is_symlink() and year.name.isdigit():
            for entry in year.iterdir():
                if entry.name.endswith(".link") and entry.is_symlink():
                    entry.unlink()
                elif entry.is_symlink():
                    live.add(entry.resolve())
                elif entry.is_dir():
                    live.add(entry.resolve())
    if store(project).is_dir():
        for version in store(project).iterdir():
            if version.resolve() not in live:
                shutil.rmtree(version, ignore_errors=True)


@contextmanager
def build_lock(project: Project, progress=print):
    """One build at a time per project: a second build waits. The lock dies with its process, even on SIGKILL."""
    project.build.mkdir(parents=True, exist_ok=True)
    lock = project.build / ".build.lock"
    try:
        handle = open(lock, "a+")
    except OSError as exc:
        raise BuildError(f"cannot take the build lock {project.relative(lock)}: {exc.strerror}; expected a file",
                         hint=f"Remove it (rm -r {project.relative(lock)}); the next build creates it again.") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            progress("Another csabook build is running in this project; waiting for it to finish...")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            # Whatever an interrupted build left in staging, or half-published, is of no use: start clean.
            shutil.rmtree(project.staging, ignore_errors=True)
            clean_unreferenced(project)
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
