"""The plan: which chapter templates each edition runs, in book order."""

from __future__ import annotations

from pathlib import Path

from csabook.errors import BuildError
from csabook.model.book import book_chapters, chapter_available
from csabook.model.editions import Edition
from csabook.model.loader import EditionData
from csabook.paths import Project


def plan_chapters(edition: Edition, project: Project) -> list[Path]:
    """The templates of the edition, in book order: every chapter in _toc.yml whose data exists."""
    data = EditionData(edition.year, edition.district, project)
    chosen = []
    for name in book_chapters(project):
        template = project.notebooks / f"{name}.ipynb"
        if not template.is_file():
            raise BuildError(f"_toc.yml names '{name}', but {project.relative(template)} does not exist",
                             hint="Add the notebook, or remove the entry from _toc.yml.")
        if chapter_available(template, data):
            chosen.append(template)
    return chosen
