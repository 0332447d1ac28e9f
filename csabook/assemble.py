"""Turn executed notebooks into a published site: per-edition _config/_toc, Jupyter Book, atomic publish, index."""

from __future__ import annotations

import fcntl
import html
import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import yaml

from . import __version__
from .data import EditionData
from .editions import Edition, discover_editions
from .errors import BuildError
from .execute import chapter_available, execute_chapter
from .paths import Project

STATIC = Path(__file__).resolve().parent / "static"


def edition_title(edition: Edition, base: str) -> str:
    return f"{base} {edition.year} – {edition.label().replace(f' {edition.year}', '')}"


def toc_files(toc: dict) -> list[str]:
    """Every file named in a _toc.yml mapping, in book order (root first)."""
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [c["file"] for c in part.get("chapters", [])]
    files += [c["file"] for c in toc.get("chapters", [])]
    return files


def plan_chapters(edition: Edition, project: Project) -> list[Path]:
    """The templates of the edition, in book order: every chapter in _toc.yml whose data exists."""
    toc = yaml.safe_load(project.toc_template.read_text(encoding="utf-8"))
    data = EditionData(edition.year, edition.district, project)
    chosen = []
    for name in toc_files(toc):
        template = project.notebooks / f"{name}.ipynb"
        if not template.is_file():
            raise BuildError(f"_toc.yml names '{name}', but {project.relative(template)} does not exist",
                             hint="Add the notebook, or remove the entry from _toc.yml.")
        if chapter_available(template, data):
            chosen.append(template)
    return chosen


def write_book_files(edition: Edition, chapters: list[Path], book_dir: Path, project: Project) -> None:
    """Write the edition's _config.yml and _toc.yml from the templates, keeping only its chapters."""
    config = yaml.safe_load(project.config_template.read_text(encoding="utf-8"))
    title = edition_title(edition, config.get("title", "Kent Community Safety Agreement"))
    config["title"] = title
    config.setdefault("sphinx", {}).setdefault("config", {})["html_title"] = title
    # Every page links back to the editions index at _build/site/index.html (pages sit at the edition's top level).
    config.setdefault("html", {})["extra_footer"] = (
        '<p class="csa-editions-link"><a href="../../index.html">All editions of the Kent Community Safety '
        'Agreement</a></p>')
    toc = yaml.safe_load(project.toc_template.read_text(encoding="utf-8"))
    present = {c.stem for c in chapters}
    parts = []
    for part in toc.get("parts", []):
        kept = [c for c in part.get("chapters", []) if c["file"] in present]
        if kept:
            parts.append({**part, "chapters": kept})
    toc["parts"] = parts
    (book_dir / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    (book_dir / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    static = book_dir / "_static"
    static.mkdir(exist_ok=True)
    for asset in sorted(STATIC.iterdir()):
        shutil.copy2(asset, static / asset.name)


def jupyter_book_command() -> list[str]:
    script = Path(sys.executable).parent / "jupyter-book"
    return [str(script)] if script.exists() else [sys.executable, "-m", "jupyter_book.cli.main"]


def run_jupyter_book(book_dir: Path, output: Path, project: Project) -> Path:
    """Build the edition's HTML with warnings as errors; returns the html folder."""
    cmd = jupyter_book_command() + ["build", str(book_dir), "--path-output", str(output), "--all", "-W", "--keep-going", "-q"]
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=project.root)
    html_dir = output / "_build" / "html"
    if result.returncode != 0 or not (html_dir / "index.html").is_file():
        log = (result.stdout + result.stderr).strip().splitlines()
        raise BuildError(f"Jupyter Book failed for {project.relative(book_dir)}:\n" + "\n".join(log[-25:]),
                         hint="The executed notebooks are kept in " + project.relative(book_dir))
    return html_dir


def publish(html_dir: Path, edition: Edition, project: Project) -> Path:
    """Swap the new edition into _build/site/<year>/<district> in two renames; the old copy is removed after."""
    target = project.site / str(edition.year) / edition.district
    target.parent.mkdir(parents=True, exist_ok=True)
    project.staging.mkdir(parents=True, exist_ok=True)
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix="old-", dir=project.staging))
        os.rename(target, old / "site")
    os.rename(html_dir, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target


def write_index(project: Project) -> Path:
    """_build/site/index.html: every built edition, grouped by year, newest first."""
    built = [e for e in discover_editions(project) if (project.site / e.key / "index.html").is_file()]
    by_year: dict[int, list[Edition]] = {}
    for e in built:
        by_year.setdefault(e.year, []).append(e)
    sections = []
    for year in sorted(by_year, reverse=True):
        items = "".join(f'<li><a href="{e.key}/index.html">{html.escape(e.label())}</a></li>' for e in by_year[year])
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
    tmp = project.site / ".index.html.tmp"
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, project.site / "index.html")
    return project.site / "index.html"


def build_edition(edition: Edition, project: Project, progress=print) -> Path:
    """Execute, assemble and publish one edition; the published copy is replaced only on success."""
    chapters = plan_chapters(edition, project)
    book_dir = project.book / str(edition.year) / edition.district
    if book_dir.exists():
        shutil.rmtree(book_dir)
    book_dir.mkdir(parents=True)
    for i, template in enumerate(chapters, 1):
        progress(f"[{edition.key}] executing {template.stem} ({i}/{len(chapters)})")
        execute_chapter(template, edition, book_dir / template.name, project)
    write_book_files(edition, chapters, book_dir, project)
    progress(f"[{edition.key}] building the site with Jupyter Book")
    project.staging.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"{edition.year}-{edition.district}-", dir=project.staging))
    try:
        html_dir = run_jupyter_book(book_dir, work, project)
        target = publish(html_dir, edition, project)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    progress(f"[{edition.key}] published {project.relative(target)}")
    return target


@contextmanager
def build_lock(project: Project, progress=print):
    """One build at a time per project: a second build waits. The lock dies with its process, even on SIGKILL."""
    project.build.mkdir(parents=True, exist_ok=True)
    with open(project.build / ".build.lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            progress("Another csabook build is running in this project; waiting for it to finish...")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            # Whatever an interrupted build left in staging is of no use: start clean.
            shutil.rmtree(project.staging, ignore_errors=True)
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_editions(editions: list[Edition], project: Project, progress=print) -> list[Path]:
    """Validate every selected edition, then build each one and refresh the editions index."""
    from .data import validate_edition
    from .errors import DataError

    problems = [p for e in editions for p in validate_edition(e.year, e.district, project)]
    if problems:
        raise DataError(list(dict.fromkeys(problems)))
    published = []
    with build_lock(project, progress):
        try:
            for edition in editions:
                published.append(build_edition(edition, project, progress))
        finally:
            write_index(project)
    return published
