"""The published site of the default build, and the editions in it (`make test` runs `make book` first)."""

from __future__ import annotations

import yaml

from csabook.assemble import toc_files
from csabook.editions import discover_editions
from csabook.paths import PACKAGE_ROOT, get_project

SITE = PACKAGE_ROOT / "_build" / "site"
BUILT = [e.key for e in discover_editions(get_project()) if (SITE / e.key / "index.html").is_file()]
# Tests are parametrised over EDITIONS; when nothing is built they fail on 2022/county rather than run nothing.
EDITIONS = BUILT or ["2022/county"]


def chapters_of(edition: str) -> list[str]:
    """The names of the edition's pages in book order (root first), from the _toc.yml it was built with."""
    toc = yaml.safe_load((PACKAGE_ROOT / "book" / edition / "_toc.yml").read_text(encoding="utf-8"))
    return toc_files(toc)
