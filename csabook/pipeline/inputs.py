"""What an edition was built from, as the file system states it: how a build sees, by listing files, that an edition
is unchanged, without validating, planning or hashing anything.

After an edition is published (or found unchanged), the build records its inputs in _build/inputs/<edition>.json:
every data file its validation and its chapters read or looked for, the folders they listed, its parameters file,
the chapter templates and book files, each with its modification time and size as listed when the build started
(so that a file changed during the build is seen as changed by the next one); then csabook's and the libraries'
versions, whether it has a PDF, and the state of its book folder and published site. The next build lists the
project's sources once and keeps, untouched, every edition whose record still holds: the cost grows with the files
listed, not with the work an edition would take. Anything doubtful (no record, a file touched, --force) sends the
edition through the whole build, which decides from content.

When no source file at all has changed, even reading each edition's record is more than needed:
_build/inputs/listing.json keeps, for each edition, the digest of the whole listing under which it was last built or
found unchanged, and the state of its outputs then (the published version its link points to, and the
modification times of that folder and of its book folder). An edition whose entry names the current listing, and
whose outputs stand as they were (and whose record is still there), is kept at the cost of two stats; any other
goes on to its own record.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from csabook.model.editions import Edition
from csabook.paths import Project, write_atomic

LISTED = ("data", "params", "notebooks")  # the source folders a build lists
SOURCE_FILES = ("_config.yml", "_toc.yml")


def scan(project: Project) -> dict[str, str]:
    """Every source file and folder of the project: {path: 'mtime_ns:size'} for a file, {path: 'list:names'} for a
    folder (paths relative to the project root, with "/"). A folder's symbolic links to folders are listed, not
    followed."""
    found: dict[str, str] = {}

    def walk(folder: str, rel: str) -> None:
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError:
            return
        found[rel] = "list:" + ",".join(sorted(e.name for e in entries))
        below = []
        for entry in entries:
            try:
                if entry.is_dir():
                    if not entry.is_symlink():
                        below.append(entry)
                    continue
                stat = entry.stat()
            except OSError:
                continue
            found[f"{rel}/{entry.name}"] = f"{stat.st_mtime_ns}:{stat.st_size}"
        for entry in sorted(below, key=lambda e: e.name):
            walk(entry.path, f"{rel}/{entry.name}")

    root = str(project.root)
    for top in LISTED:
        walk(f"{root}/{top}", top)
    for name in SOURCE_FILES:
        try:
            stat = os.stat(f"{root}/{name}")
            found[name] = f"{stat.st_mtime_ns}:{stat.st_size}"
        except OSError:
            pass
    return found


def _state(listed: dict[str, str], path: str, kind: str) -> str:
    """How `path`, recorded in a read log as `kind`, stands in a scan."""
    if kind.startswith("list:"):
        return listed.get(path, "absent")
    state = listed.get(path, "absent")
    if kind in ("present", "absent"):
        return "absent" if state == "absent" or state.startswith("list:") else "present"
    return state


def folder_manifest(folder: Path, skip: tuple[str, ...] = ()) -> str:
    """The files of a folder (path and size), as one digest: a book or a published site as it stands (`skip`:
    file names left out)."""
    digest = hashlib.sha256()
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name not in skip):
            digest.update(f"{path.relative_to(folder).as_posix()}:{path.stat().st_size}\n".encode())
    return digest.hexdigest()


def folder_state(folder: Path | str) -> list:
    """A published version or a book folder as a few stats show it: its path, and the modification time of it and
    of its folders one level down (each changes when a file is added, removed or replaced in it, as every write
    of a build does). A cheap stand-in for folder_manifest, whose cost grows with the files."""
    try:
        with os.scandir(folder) as found:  # the listing tells which entries are folders: no stat per file
            subfolders = sorted(e.path for e in found if e.is_dir(follow_symlinks=False))
        return [str(folder)] + [os.stat(p).st_mtime_ns for p in (folder, *subfolders)]
    except OSError:
        return []


def listing_digest(listed: dict[str, str]) -> str:
    """One digest of a whole listing (scan()): equal digests, equal listings."""
    return hashlib.sha256(json.dumps(sorted(listed.items())).encode()).hexdigest()


def outputs_state(book: Path | str, site_link: Path | str) -> list | None:
    """An edition's outputs as two stats see them: the published version its link points to (its inode, so that a
    new version is seen, and its modification time, which changes when an entry is added, removed or renamed in
    it), and the modification time of its book folder."""
    try:
        site = os.stat(site_link)
        return [site.st_ino, site.st_mtime_ns, os.stat(book).st_mtime_ns]
    except OSError:
        return None


class Inputs:
    """The recorded inputs of a build's editions."""

    def __init__(self, project: Project, made_by: str, listed: dict[str, str]):
        self.project = project
        self.made_by = made_by
        self.listed = listed
        self.digest = listing_digest(listed)
        self._site, self._book = str(project.site), str(project.book)
        self._records = str(project.outputs_root / "inputs")
        try:
            saved = json.loads(self.listing_path().read_text(encoding="utf-8"))
            self.quick = saved["editions"] if saved.get("made_by") == made_by else {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.quick = {}
        if not isinstance(self.quick, dict):
            self.quick = {}
        self.quick_changed = False
        self._record_names: set[str] | None = None  # the records folder's listing, made at the first need

    def path(self, edition: Edition) -> Path:
        return Path(self.record_path(edition))

    def record_path(self, edition: Edition) -> str:
        return f"{self._records}/{self.record_name(edition)}"

    @staticmethod
    def record_name(edition: Edition) -> str:
        return f"{edition.stem}.json"

    def listing_path(self) -> Path:
        return Path(self._records) / "listing.json"

    def site_link(self, edition: Edition) -> str:
        """The edition's published link (a string: the listing-wide check runs for every edition of every build)."""
        return f"{self._site}/{edition.key}"

    def book_dir(self, edition: Edition) -> str:
        """The edition's book folder (build.edition_book_dir, as a string for the same reason)."""
        return f"{self._book}/{edition.key}"

    def confirm(self, edition: Edition, pdf: bool) -> None:
        """Note that the edition stands as built under this build's listing (saved by save_listing())."""
        entry = {"listing": self.digest, "pdf": pdf,
                 "outputs": outputs_state(self.book_dir(edition), self.site_link(edition))}
        if self.quick.get(edition.key) != entry:
            self.quick[edition.key] = entry
            self.quick_changed = True

    def save_listing(self) -> None:
        if self.quick_changed:
            self.listing_path().parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.listing_path(), json.dumps({"made_by": self.made_by, "editions": self.quick},
                                                         sort_keys=True))
            self.quick_changed = False

    def _stands(self, edition: Edition, pdf: bool) -> bool:
        entry = self.quick.get(edition.key)
        if not (isinstance(entry, dict) and entry.get("listing") == self.digest and entry.get("pdf") == pdf
                and entry.get("outputs") is not None):
            return False
        # the records stay the authority: the listing only finds them true
        if self._record_names is None:
            try:
                self._record_names = set(os.listdir(self._records))
            except OSError:
                self._record_names = set()
        return (entry["outputs"] == outputs_state(self.book_dir(edition), self.site_link(edition))
                and self.record_name(edition) in self._record_names)

    def record(self, edition: Edition, reads: dict[str, str], pdf: bool, site: Path) -> None:
        """Record the edition's inputs (`reads`: a read log, path -> kind) after it was published or kept (`site`:
        its published version)."""
        paths = {**reads, **{name: "sha256:" for name in SOURCE_FILES},
                 f"params/{edition.year}/{edition.district}.yml": "sha256:"}
        entry = {"made_by": self.made_by, "pdf": pdf, "book": folder_state(self.book_dir(edition)), "site": folder_state(site),
                 "inputs": {p: [kind.split(":", 1)[0], _state(self.listed, p, kind)] for p, kind in sorted(paths.items())}}
        self.path(edition).parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path(edition), json.dumps(entry, indent=0, sort_keys=True))
        self._record_names = None
        self.confirm(edition, pdf)

    def forget(self, edition: Edition) -> None:
        self.path(edition).unlink(missing_ok=True)
        self._record_names = None
        if self.quick.pop(edition.key, None) is not None:
            self.quick_changed = True

    def unchanged(self, edition: Edition, pdf: bool) -> bool:
        """True when every recorded input stands as recorded, and the book and published site are as built: at
        once when the whole listing is the one the edition was last confirmed under, else from its record."""
        if self._stands(edition, pdf):
            return True
        if self._recorded_inputs_stand(edition, pdf):
            self.confirm(edition, pdf)
            return True
        return False

    def _recorded_inputs_stand(self, edition: Edition, pdf: bool) -> bool:
        link = Path(self.site_link(edition))
        site = link.resolve() if link.exists() else None
        try:
            entry = json.loads(self.path(edition).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        if not isinstance(entry, dict) or entry.get("made_by") != self.made_by or entry.get("pdf") != pdf:
            return False
        for path, (kind, state) in entry.get("inputs", {}).items():
            if _state(self.listed, path, kind if kind in ("present", "absent") else kind + ":") != state:
                return False
        return site is not None and entry.get("site") == folder_state(site) and entry.get("book") == folder_state(self.book_dir(edition))
