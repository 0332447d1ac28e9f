"""The editions the `site` fixture builds (every year's county edition), any others already built, and their pages."""

from __future__ import annotations

from csabook.model.editions import Edition, discover_editions
from csabook.paths import get_project
from csabook.pipeline.plan import plan_chapters
from tests import REPO

SITE = REPO / "_build" / "site"
PROJECT = get_project(REPO)
DEFAULT = [e.key for e in discover_editions(PROJECT) if e.is_county]
BUILT = [e.key for e in discover_editions(PROJECT) if (SITE / e.key / "index.html").is_file()]
# The browser and PDF tests cover the default editions, and whatever else has been built.
EDITIONS = sorted(set(DEFAULT) | set(BUILT))


def chapters_of(edition: str) -> list[str]:
    """The names of the edition's pages in book order (root first), as the build plans them from the sources."""
    year, district = edition.split("/")
    return [t.stem for t in plan_chapters(Edition(int(year), district), PROJECT)]
