"""The book's shape: the chapters _toc.yml lists, in book order, and the chapter templates that make them."""

from __future__ import annotations

import functools
from pathlib import Path

import nbformat

from csabook.errors import DataError, Problem
from csabook.model.loader import EditionData
from csabook.model.readers import read_yaml
from csabook.paths import Project


def toc_files(toc: dict) -> list[str]:
    """Every file named in a _toc.yml mapping, in book order (root first)."""
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [c["file"] for c in part.get("chapters", [])]
    files += [c["file"] for c in toc.get("chapters", [])]
    return files


def read_toc(project: Project) -> dict:
    """The project's _toc.yml: the chapter order every edition's own _toc.yml is written from."""
    return read_yaml(project.toc_template, "_toc.yml").content


def book_chapters(project: Project) -> list[str]:
    """The chapter names the project's _toc.yml lists, in book order (root first)."""
    return toc_files(read_toc(project))


def read_template(template: Path) -> nbformat.NotebookNode:
    """A chapter template, read once per process while the file is unchanged (builds plan many editions).

    Raises DataError naming the template when it cannot be read as a notebook.
    """
    try:
        stat = template.stat()
        return _read_template(str(template), stat.st_mtime_ns, stat.st_size)
    except (OSError, ValueError, nbformat.ValidationError) as exc:  # JSON and nbformat errors are ValueErrors
        detail = " ".join(str(exc).split())[:200]
        raise DataError([Problem(f"{template.parent.name}/{template.name}", "",
                                 f"the chapter template is not a readable notebook ({detail})",
                                 "a Jupyter notebook (restore it from version control: git checkout -- <file>)")]
                        ) from None


@functools.lru_cache(maxsize=256)
def _read_template(path: str, mtime_ns: int, size: int) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def chapter_requires(template: Path) -> list[str]:
    """The data files a chapter template needs (its metadata.csabook.requires)."""
    meta = read_template(template).metadata
    return list(meta.get("csabook", {}).get("requires", []))


def chapter_available(template: Path, data: EditionData) -> bool:
    """True when every data file the chapter needs exists for the edition."""
    return all(data.has(name) for name in chapter_requires(template))


def notebook_title(cells: list) -> tuple[str | None, int | None, str]:
    """A chapter's title: the text of its first Markdown "# " heading, the index of the cell holding it, and the
    rest of that cell below the heading ((None, None, "") when there is none)."""
    for index, cell in enumerate(cells):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if source.lstrip().startswith("# "):
            title, _, rest = source.lstrip()[2:].partition("\n")
            return title.strip(), index, rest
    return None, None, ""
