"""The analyst explorer: pick a year, a district and a chapter, and preview it live with its validation problems.

A preview runs the chapter's own template through the build's executor (papermill in a warm kernel), with the
chosen year and district, and shows what the book would show. Everything here is a plain function or a small
class that tests drive without a browser; notebooks/explore.ipynb only displays `Explorer().widget`, in JupyterLab or Voilà. The explorer is not part of
the book: it is not in _toc.yml, and no build executes it.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from csabook.model.book import book_chapters, chapter_available, chapter_requires, read_template
from csabook.model.loader import COUNTY, EditionData, available_years
from csabook.model.editions import districts_in_year
from csabook.errors import CsabookError, DataError, ExecutionError, Problem
from csabook.pipeline.execute import WarmKernel, execute_chapter
from csabook.model.editions import Edition
from csabook.paths import STATIC, Project, get_project
from csabook.model.markup import escape
from csabook.validation.selection import validate_editions

STYLESHEET = STATIC / "csabook.css"


def chapter_title(template: Path) -> str:
    """The chapter's heading: the first line of its first Markdown cell, without the '#'."""
    for cell in read_template(template).cells:
        if cell.cell_type == "markdown" and cell.source.strip():
            return cell.source.strip().splitlines()[0].lstrip("#").strip()
    return template.stem


def chapter_options(year: int, district: str, project: Project) -> list[tuple[str, str]]:
    """(title, chapter) for each chapter of the book whose data exists for the year and district."""
    data = EditionData(year, district, project)
    options = []
    for name in book_chapters(project):
        template = project.notebooks / f"{name}.ipynb"
        if template.is_file() and chapter_available(template, data):
            options.append((chapter_title(template), name))
    return options


def year_options(project: Project) -> list[int]:
    """Every data year that has a chapter to show beyond the front page, newest first."""
    return [y for y in reversed(available_years(project)) if len(chapter_options(y, COUNTY, project)) > 1]


def district_options(year: int, project: Project) -> list[str]:
    """The county, then every district with an edition or an overlay folder for the year."""
    return [COUNTY] + districts_in_year(year, project)


@dataclass(frozen=True)
class Preview:
    """What a chapter shows for one edition, and what is wrong with the data behind it."""

    year: int
    district: str
    chapter: str
    outputs: tuple[str, ...] = ()  # HTML of each displayed result, in order
    problems: tuple[Problem, ...] = ()  # problems in the files this chapter reads
    other_problems: tuple[Problem, ...] = ()  # problems elsewhere in the edition
    error: str | None = None  # why the preview could not be completed
    files: tuple[str, ...] = ()  # every data file the chapter read, other years' included
    title: str = ""  # the chapter's heading


def _shown(nb) -> list[str]:
    """The HTML of each displayed result of an executed notebook, in order."""
    shown = []
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.output_type in ("display_data", "execute_result"):
                data = out.get("data", {})
                shown.append(data["text/html"] if "text/html" in data else
                             f"<pre>{escape(data.get('text/plain', ''))}</pre>")
    return shown


def run_template(template: Path, parameters: dict, project: Project,
                 kernel: WarmKernel | None = None) -> tuple[list[str], list[str]]:
    """Execute a chapter template as the build does: (HTML of each shown value, data files read).

    It runs through the build's executor (papermill in a warm kernel), with `parameters` injected. Pass a
    WarmKernel to reuse it across previews; otherwise one is started and stopped for this run. A failing cell
    raises ChapterError.
    """
    edition = Edition(int(parameters["year"]), parameters["district"])
    own = kernel is None
    kernel = kernel or WarmKernel(project)
    try:
        with tempfile.TemporaryDirectory(prefix="csabook-explore-") as work:
            output = Path(work) / template.name
            try:
                found = execute_chapter(template, edition, output, project, kernel)
            except ExecutionError as exc:
                raise ChapterError(exc.cell, exc.error) from None
            shown = _shown(nbformat.read(output, as_version=4))
    finally:
        if own:
            kernel.stop()
    return shown, [path for path, kind in found.items() if kind.startswith("sha256:")]


class ChapterError(Exception):
    """A cell of a chapter template failed in a preview."""

    def __init__(self, cell: int | None, error: str):
        self.cell, self.error = cell, error
        super().__init__(f"code cell {cell} failed: {error}")


def _chapter_files(year: int, district: str, chapter: str, project: Project) -> set[str]:
    """The paths of the data files a chapter needs (its requires), as problems name them."""
    data = EditionData(year, district, project)
    template = project.notebooks / f"{chapter}.ipynb"
    paths = set()
    for name in chapter_requires(template):
        located = data.locate(name)
        if located:
            paths.add(project.relative(located[1]))
    return paths


def preview_chapter(year: int, district: str, chapter: str, project: Project | None = None,
                    kernel: WarmKernel | None = None) -> Preview:
    """Validate the edition's data and run one chapter: the outputs, and the problems split by where they are."""
    project = project or get_project()
    template = project.notebooks / f"{chapter}.ipynb"
    if not template.is_file():
        return Preview(int(year), district, chapter, error=f"{project.relative(template)} does not exist")
    base = dict(year=int(year), district=district, chapter=chapter, title=chapter_title(template))
    problems = validate_editions([(int(year), district)], project)
    mine = _chapter_files(int(year), district, chapter, project)
    outputs, files, error = [], [], None
    try:
        outputs, files = run_template(template, {"year": int(year), "district": district}, project, kernel)
    except ChapterError as exc:
        unreadable = exc.error.startswith(f"{DataError.__name__}:")  # validate has listed why
        error = "the chapter could not read its data" if unreadable else str(exc)
    except CsabookError as exc:
        error = str(exc)
    mine |= set(files)
    return Preview(**base, outputs=tuple(outputs), problems=tuple(p for p in problems if p.file in mine),
                   other_problems=tuple(p for p in problems if p.file not in mine), error=error, files=tuple(files))


def preview_html(preview: Preview) -> str:
    """The preview as one HTML fragment: the validation report first, then what the chapter shows."""
    style = f"<style>{STYLESHEET.read_text(encoding='utf-8')}{_EXTRA_STYLE}</style>"
    command = f"csabook validate --year {preview.year} --district {preview.district}"
    parts = [style, '<div class="csa-explore">', f"<h1>{escape(preview.title or preview.chapter)}</h1>"]
    if preview.problems:
        items = "".join(f"<li><code>{escape(p)}</code></li>" for p in preview.problems)
        parts.append(f'<div class="csa-explore-problems" role="alert"><strong>{len(preview.problems)} validation '
                     f"problem(s) in this chapter's data:</strong><ul>{items}</ul></div>")
    else:
        parts.append('<p class="csa-explore-ok">No validation problem in this chapter\'s data.</p>')
    if preview.other_problems:
        parts.append(f'<p class="csa-explore-other">{len(preview.other_problems)} other problem(s) in this edition; '
                     f"run <code>{escape(command)}</code> to list them.</p>")
    if preview.error:
        parts.append(f'<div class="csa-explore-problems" role="alert"><strong>The chapter could not be previewed: '
                     f"{escape(preview.error)}</strong></div>")
    if preview.files:
        parts.append('<p class="csa-explore-files">Data read: ' + ", ".join(f"<code>{escape(f)}</code>"
                                                                           for f in preview.files) + "</p>")
    parts += list(preview.outputs)
    parts.append("</div>")
    return "".join(parts)


_EXTRA_STYLE = """
.csa-explore-problems { border-left: 4px solid #b00020; background: #fdecee; color: #1a1a1a; padding: 0.4em 0.8em; margin: 0.5em 0; }
.csa-explore-ok { border-left: 4px solid #2e7d32; padding: 0.2em 0.8em; }
.csa-explore-other, .csa-explore-files { font-size: 0.9em; }
"""


class Explorer:
    """Three dropdowns (year, district, chapter), a refresh button and the preview, wired to plain callbacks."""

    def __init__(self, project: Project | None = None):
        import ipywidgets as widgets

        self.project = project or get_project()
        years = year_options(self.project)
        self.year = widgets.Dropdown(description="Year", options=years, value=years[0] if years else None)
        self.district = widgets.Dropdown(description="District")
        self.chapter = widgets.Dropdown(description="Chapter")
        self.refresh = widgets.Button(description="Refresh", tooltip="Read the data files again and re-run the chapter")
        self.output = widgets.HTML()
        self.widget = widgets.VBox([widgets.HBox([self.year, self.district, self.chapter, self.refresh]), self.output])
        self._quiet = False
        self.kernel = WarmKernel(self.project)  # started on the first preview, reused by the next ones
        self.on_year({"new": self.year.value})
        self.year.observe(self.on_year, names="value")
        self.district.observe(self.on_district, names="value")
        self.chapter.observe(self.on_chapter, names="value")
        self.refresh.on_click(self.on_refresh)

    def on_year(self, change) -> None:
        """A new year: offer its districts (keeping the current one where it exists), then its chapters."""
        if change["new"] is None:
            self.output.value = "<p>No data year has a chapter to show.</p>"
            return
        keep = self.district.value
        districts = district_options(change["new"], self.project)
        self._quiet = True
        self.district.options = districts
        self.district.value = keep if keep in districts else COUNTY
        self._quiet = False
        self.on_district({"new": self.district.value})

    def on_district(self, change) -> None:
        """A new district: offer the chapters its data supports (keeping the current one where possible)."""
        if self._quiet:
            return
        keep = self.chapter.value
        options = chapter_options(self.year.value, change["new"], self.project)
        self._quiet = True
        self.chapter.options = options
        names = [name for _, name in options]
        self.chapter.value = keep if keep in names else (names[1] if len(names) > 1 else names[0] if names else None)
        self._quiet = False
        self.show()

    def on_chapter(self, change) -> None:
        if not self._quiet:
            self.show()

    def on_refresh(self, _button=None) -> None:
        self.show()

    def show(self) -> Preview:
        """Preview the chosen chapter into the output area."""
        self.output.value = "<p>Running the chapter…</p>"
        preview = preview_chapter(self.year.value, self.district.value, self.chapter.value, self.project,
                                  self.kernel)
        self.output.value = preview_html(preview)
        return preview
