"""Where everything lives, found from the package (or CSABOOK_ROOT), never from the working directory."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Project:
    """A csabook project folder: data, templates, parameters and build outputs."""

    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def params(self) -> Path:
        return self.root / "params"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def book(self) -> Path:
        return self.root / "book"

    @property
    def build(self) -> Path:
        return self.root / "_build"

    @property
    def site(self) -> Path:
        return self.build / "site"

    @property
    def staging(self) -> Path:
        return self.build / "staging"

    @property
    def config_template(self) -> Path:
        return self.root / "_config.yml"

    @property
    def toc_template(self) -> Path:
        return self.root / "_toc.yml"

    def relative(self, path: Path) -> str:
        """`path` relative to the project root where possible, for messages."""
        try:
            return str(Path(path).resolve().relative_to(self.root.resolve()))
        except ValueError:
            return str(path)


def get_project(root: str | os.PathLike | None = None) -> Project:
    """The project at `root`, else at $CSABOOK_ROOT, else the one this package was installed from."""
    chosen = root or os.environ.get("CSABOOK_ROOT") or PACKAGE_ROOT
    return Project(Path(chosen).resolve())
