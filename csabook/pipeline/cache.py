"""The execution cache: an executed notebook is reused while nothing it depends on has changed.

An entry's key hashes the template (every cell's type, source and tags, and its csabook metadata), the
parameters, the csabook version and the source of the whole csabook package. The entry also records every data
file the notebook looked for or read while it ran (csabook.model.loader.Dependencies), with its fingerprint, and it is
reused only while each of those is unchanged. So editing a data file re-executes exactly the notebooks that read
it, where a cache keyed on code alone would serve stale output.

Entries live in _build/cache/<key[:2]>/<key>/: notebook.ipynb, then entry.json (written last; an entry without a
readable entry.json, or whose notebook does not match the hash it records, is corrupt and is executed again).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path


from csabook.version import __version__, environment
from csabook.model.reads import fingerprint, sha256_of
from csabook.paths import Project

from csabook.paths import PACKAGE  # noqa: E402


@functools.lru_cache(maxsize=1)
def package_hash() -> str:
    """A hash of csabook's own source (modules and static assets): any change to the package invalidates all."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".css", ".js"):
            digest.update(str(path.relative_to(PACKAGE)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def template_hash(template: Path) -> str:
    from csabook.model.book import read_template

    nb = read_template(template)
    cells = [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in nb.cells]
    return hashlib.sha256(json.dumps([cells, nb.metadata.get("csabook", {})], sort_keys=True).encode()).hexdigest()


def entry_key(template: Path, parameters: dict) -> str:
    payload = {"template": template_hash(template), "name": template.stem, "parameters": parameters,
               "csabook": __version__, "package": package_hash(), "environment": environment()}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


@dataclass
class Lookup:
    key: str
    status: str  # "hit", "miss" (no entry), "stale" (a dependency changed), "corrupt"
    notebook: Path | None = None
    dependencies: dict | None = None
    reason: str = ""


class ExecutionCache:
    def __init__(self, project: Project):
        self.project = project
        self.root = project.build / "cache"

    def folder(self, key: str) -> Path:
        return self.root / key[:2] / key

    def lookup(self, key: str) -> Lookup:
        folder = self.folder(key)
        if not folder.exists():
            return Lookup(key, "miss")
        try:
            entry = json.loads((folder / "entry.json").read_text(encoding="utf-8"))
            if not isinstance(entry, dict):
                raise ValueError("entry.json is not a mapping")
            notebook = folder / "notebook.ipynb"
            if entry.get("key") != key or sha256_of(notebook) != entry.get("notebook_sha256"):
                raise ValueError("the notebook does not match its entry")
            dependencies = entry.get("dependencies")
            if not isinstance(dependencies, dict) or not all(
                    isinstance(k, str) and isinstance(v, str) for k, v in dependencies.items()):
                raise ValueError("the entry's dependencies are not paths with fingerprints")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            return Lookup(key, "corrupt", reason=str(exc) or type(exc).__name__)
        for path, recorded in dependencies.items():
            if fingerprint(self.project.root / path, recorded) != recorded:
                return Lookup(key, "stale", reason=f"{path} changed")
        return Lookup(key, "hit", notebook, dependencies)

    def store(self, key: str, notebook: Path, dependencies: dict) -> Path:
        """Save an executed notebook and what it depended on; returns the cached notebook's path."""
        folder = self.folder(key)
        folder.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".new-", dir=folder.parent))
        shutil.copyfile(notebook, work / "notebook.ipynb")
        entry = {"key": key, "notebook_sha256": sha256_of(work / "notebook.ipynb"), "dependencies": dependencies}
        (work / "entry.json").write_text(json.dumps(entry, indent=1, sort_keys=True), encoding="utf-8")
        if folder.exists():
            shutil.rmtree(folder)
        os.rename(work, folder)
        return folder / "notebook.ipynb"

    def clean_partial(self) -> None:
        """Remove entries a killed build left half-written."""
        if self.root.is_dir():
            for partial in self.root.glob("*/.new-*"):
                shutil.rmtree(partial, ignore_errors=True)
