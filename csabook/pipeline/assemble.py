"""An edition's book: its _config.yml and _toc.yml, the Jupyter Book build, and the editions index."""

from __future__ import annotations

import html
import os
from pathlib import Path

import yaml

from csabook.version import __version__
from csabook.model.editions import Edition, discover_editions
from csabook.errors import BuildError
from csabook.paths import STATIC, Project, write_atomic, write_if_changed
from csabook.model.book import read_toc
from csabook.model.editions import pdf_name
from csabook.pipeline.publish import is_published
from csabook.pipeline.provenance import PAGE


def edition_title(edition: Edition, base: str) -> str:
    return f"{base} {edition.year} – {edition.label().replace(f' {edition.year}', '')}"


def book_files(edition: Edition, chapters: list[Path], project: Project, pdf: bool = True,
               about: bool = False) -> dict[str, str]:
    """The text of the edition's _config.yml and _toc.yml, from the templates, keeping only its chapters.

    With `pdf` False the edition has no PDF, and no page links one. `about`: the book ends with the edition's
    provenance page (which the build writes)."""
    config = yaml.safe_load(project.config_template.read_text(encoding="utf-8"))
    title = edition_title(edition, config.get("title", "Kent Community Safety Agreement"))
    config["title"] = title
    config.setdefault("sphinx", {}).setdefault("config", {})["html_title"] = title
    # Every page links to the edition's PDF and back to the editions index at _build/site/index.html (pages sit
    # at the edition's top level, two folders below the index).
    pdf_link = (f'<a href="{html.escape(pdf_name(edition.year, edition.district))}">Download this edition as a '
                'PDF</a>, to read offline or print. ') if pdf else ""
    config.setdefault("html", {})["extra_footer"] = (
        f'<p class="csa-footer">{pdf_link}<a href="../../index.html">All editions of the Kent Community Safety '
        'Agreement</a>.</p>')
    toc = read_toc(project)
    present = {c.stem for c in chapters}
    parts = []
    for part in toc.get("parts", []):
        kept = [c for c in part.get("chapters", []) if c["file"] in present]
        if kept:
            parts.append({**part, "chapters": kept})
    if about:
        parts.append({"caption": "About this edition", "chapters": [{"file": PAGE}]})
    toc["parts"] = parts
    return {"_config.yml": yaml.safe_dump(config, sort_keys=False, allow_unicode=True),
            "_toc.yml": yaml.safe_dump(toc, sort_keys=False, allow_unicode=True)}


def write_book_files(edition: Edition, chapters: list[Path], book_dir: Path, project: Project,
                     files: dict[str, str] | None = None) -> set[str]:
    """Write the edition's book files (`files`, else book_files()) and its static assets into `book_dir`, each only
    when its bytes change; returns their names (relative to `book_dir`)."""
    written = set()
    for name, text in (files or book_files(edition, chapters, project)).items():
        write_if_changed(book_dir / name, text)
        written.add(name)
    static = book_dir / "_static"
    static.mkdir(exist_ok=True)
    for asset in sorted(STATIC.iterdir()):
        write_if_changed(static / asset.name, asset.read_bytes())
        written.add(f"_static/{asset.name}")
    return written


def jupyter_book_args(book_dir: Path, output: Path, fresh: bool = True) -> list[str]:
    """`jupyter-book build` arguments: warnings are errors; `fresh` starts Sphinx from an empty environment (--all),
    else Sphinx reads and writes only the pages whose sources changed since its last build into `output`."""
    return [str(book_dir), "--path-output", str(output), *(["--all"] if fresh else []), "-W", "--keep-going", "-q"]


def _build_in_this_process(book_dir: str, output: str, root: str, fresh: bool = True) -> tuple[bool, str]:
    """Run `jupyter-book build` inside the current (worker) process; returns (succeeded, its output)."""
    import contextlib
    import io

    from jupyter_book.cli.main import build

    os.chdir(root)
    log = io.StringIO()
    with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
        try:
            build.main(jupyter_book_args(Path(book_dir), Path(output), fresh), standalone_mode=False)
            ok = True
        except SystemExit as exc:
            ok = exc.code in (0, None)
        except Exception as exc:  # Jupyter Book reports a failed Sphinx build by raising
            ok = False
            log.write(f"\n{type(exc).__name__}: {exc}")
    return ok, log.getvalue()


class JupyterBookPool:
    """Worker processes that each import Jupyter Book and Sphinx once and then build many editions.

    A `jupyter-book build` process spends most of its few seconds starting up; a warm worker builds a whole
    edition in about a second. Workers are spawned (not forked), so each starts clean.
    """

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.executor = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None

    def build(self, book_dir: Path, output: Path, project: Project, fresh: bool = True) -> Path:
        """Build the edition's HTML with warnings as errors (`fresh`: from an empty Sphinx environment); returns
        the html folder."""
        if self.executor is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            from csabook.pipeline.lifeline import worker_start

            self.executor = ProcessPoolExecutor(max_workers=self.jobs, mp_context=multiprocessing.get_context("spawn"),
                                                initializer=worker_start, initargs=(os.getpid(),))
        ok, log = self.executor.submit(_build_in_this_process, str(book_dir), str(output), str(project.root),
                                       fresh).result()
        html_dir = output / "_build" / "html"
        if not ok or not (html_dir / "index.html").is_file():
            lines = [line for line in log.strip().splitlines() if line.strip()]
            raise BuildError(f"Jupyter Book failed for {project.relative(book_dir)}:\n" + "\n".join(lines[-25:]),
                             hint="The executed notebooks are kept in " + project.relative(book_dir))
        return html_dir


def _pdf_link(edition: Edition, project: Project) -> str:
    name = pdf_name(edition.year, edition.district)
    exists = (project.site / edition.key / name).is_file()
    return f' (<a href="{edition.key}/{name}">PDF</a>)' if exists else ""


def write_index(project: Project) -> Path:
    """_build/site/index.html: every built edition, grouped by year, newest first."""
    built = [e for e in discover_editions(project) if is_published(e, project)]
    by_year: dict[int, list[Edition]] = {}
    for e in built:
        by_year.setdefault(e.year, []).append(e)
    sections = []
    for year in sorted(by_year, reverse=True):
        items = "".join(f'<li><a href="{e.key}/index.html">{html.escape(e.label())}</a>{_pdf_link(e, project)}</li>'
                        for e in by_year[year])
        sections.append(f"<section><h2>{year}</h2><ul>{items}</ul></section>")
    body = "".join(sections) or "<p>No edition has been built yet. Run <code>make book</code>.</p>"
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kent Community Safety Agreement – editions</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 48em; margin: 2em auto; padding: 0 1em; color: #1a1a1a; line-height: 1.5; }}
h1 {{ color: #4b2170; }} a {{ color: #4b2170; }} ul {{ padding-left: 1.2em; }}
</style>
</head>
<body>
<main class="csa-editions">
<h1>Kent Community Safety Agreement</h1>
<p>Editions of the Kent Community Safety Agreement (CSA), one per year for the county and for each district
community safety partnership that builds its own.</p>
{body}
</main>
<footer><p>Built by csabook {html.escape(__version__)}.</p></footer>
</body>
</html>
"""
    project.site.mkdir(parents=True, exist_ok=True)
    write_atomic(project.site / "index.html", page)
    return project.site / "index.html"


