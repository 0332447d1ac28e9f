"""An edition's book: its _config.yml and _toc.yml, the Jupyter Book build, and the editions index."""

from __future__ import annotations

import html
import json
import os
from pathlib import Path

import yaml

from csabook.version import __version__
from csabook.model.editions import Edition, discover_editions
from csabook.errors import BuildError
from csabook.paths import STATIC, Project, write_atomic, write_if_changed
from csabook.model.book import read_toc
from csabook.model.editions import pdf_name
from csabook.pipeline.publish import STAMP, is_published, published_version
from csabook.pipeline.provenance import PAGE
from csabook.model.identity import Identity, identify
from csabook.model.loader import open_edition


def book_files(edition: Edition, chapters: list[Path], project: Project, pdf: bool = True,
               about: bool = False, identity: Identity | None = None) -> dict[str, str]:
    """The text of the edition's _config.yml and _toc.yml, from the templates, keeping only its chapters.

    With `pdf` False the edition has no PDF, and no page links one. `about`: the book ends with the edition's
    provenance page (which the build writes). `identity`: the edition's (else read from its data)."""
    config = yaml.safe_load(project.config_template.read_text(encoding="utf-8"))
    title = (identity or identify(open_edition(edition.year, edition.district, project))).title
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


def _fresh_sphinx_defaults() -> None:
    """Undo what an earlier build in this process left in Sphinx's shared defaults.

    Sphinx hands every application the same default `templates_path` list, and the themes append their folders
    to it: a second build in one process would see a longer list, a different configuration hash, and so rewrite
    every page instead of the changed ones. Emptying the shared list gives each build the value a first one sees."""
    from sphinx.config import Config

    default = Config.config_values["templates_path"].default
    if isinstance(default, list):
        default.clear()


def _disable_builtin_toctree_collector(app) -> None:
    """What sphinx-external-toc does at setup (disable Sphinx's own toctree collector, which its styled one
    replaces), finding the collector among the application's event listeners rather than among every object of
    the process: its own walk of gc.get_objects() costs more with each build a worker has made."""
    from sphinx.environment.collectors.toctree import TocTreeCollector

    collectors = {id(c): c for listeners in app.events.listeners.values() for c in
                  (getattr(listener.handler, "__self__", None) for listener in listeners)
                  if isinstance(c, TocTreeCollector)}
    for collector in collectors.values():
        if collector.listener_ids is not None:  # already disabled: it cannot be again
            collector.disable(app)


def _import_jupyter_book() -> None:
    """What a worker's first build would import: Jupyter Book, Sphinx, MyST-NB and the theme."""
    import jupyter_book.cli.main  # noqa: F401
    import myst_nb  # noqa: F401
    import sphinx.application  # noqa: F401
    import sphinx_book_theme  # noqa: F401
    import sphinx_external_toc.collectors

    sphinx_external_toc.collectors.disable_builtin_toctree_collector = _disable_builtin_toctree_collector


FULL_COLLECTION_EVERY = 8  # a worker's builds between full garbage collections (see _settle)
_builds_since_full = 0


def _settle(full: bool = False) -> None:
    """After a build in a worker: lifeline.settle_garbage, counting the builds since the last full settle.

    Python's full collections otherwise walk all of Sphinx, the theme and the kept templates: a tenth of a second
    or more, in the middle of every third or fourth build. A light settle costs a few milliseconds, but only a full
    one frees what it left out and was dropped later: a worker makes one every FULL_COLLECTION_EVERY builds (and
    `csabook preview` asks for one while it waits for the next save), so what such objects hold stays bounded."""
    from csabook.pipeline.lifeline import settle_garbage

    global _builds_since_full
    if full:
        _builds_since_full = 0
    settle_garbage(full)


def _build_in_this_process(book_dir: str, output: str, root: str, fresh: bool = True) -> tuple[bool, str]:
    """Run `jupyter-book build` inside the current (worker) process; returns (succeeded, its output)."""
    global _builds_since_full
    import contextlib
    import io

    from jupyter_book.cli.main import build

    os.chdir(root)
    _import_jupyter_book()
    _fresh_sphinx_defaults()
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
    _builds_since_full += 1
    _settle(full=_builds_since_full >= FULL_COLLECTION_EVERY)
    return ok, log.getvalue()


def _rehearse(book_dir: str, work: str, root: str) -> None:
    """A build of `book_dir` into a temporary folder under `work`, removed after (see JupyterBookPool.rehearse)."""
    import shutil
    import tempfile

    output = tempfile.mkdtemp(prefix="rehearsal-", dir=work)
    try:
        _build_in_this_process(book_dir, output, root, fresh=True)
    finally:
        shutil.rmtree(output, ignore_errors=True)


class JupyterBookPool:
    """Worker processes that each import Jupyter Book and Sphinx once and then build many editions.

    A `jupyter-book build` process spends most of its few seconds starting up; a warm worker builds a whole
    edition in about a second. Workers are spawned (not forked), so each starts clean.
    """

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.executor = None
        self.builds = 0  # builds asked of the workers, rehearsals included

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None

    def _executor(self):
        if self.executor is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            from csabook.pipeline.lifeline import worker_start

            self.executor = ProcessPoolExecutor(max_workers=self.jobs, mp_context=multiprocessing.get_context("spawn"),
                                                initializer=worker_start, initargs=(os.getpid(),))
        return self.executor

    def warm(self, editions: int) -> None:
        """Start the workers that `editions` builds will need, importing Jupyter Book and Sphinx, while the build
        does other work (a worker takes seconds to start)."""
        for _ in range(max(0, min(self.jobs, editions))):
            self._executor().submit(_import_jupyter_book)

    def rehearse(self, book_dir: Path, project: Project) -> None:
        """When the workers have built nothing yet, have one build `book_dir` afresh into a folder thrown away
        after, in the background: the next real build then finds Sphinx's lazily imported modules loaded and the
        theme's templates compiled, and takes about a second and a half less. (`csabook preview` does this when
        its first build needed no Jupyter Book, so that the first save is as quick as the later ones.)"""
        if self.builds == 0 and book_dir.is_dir():
            self.builds += 1
            project.staging.mkdir(parents=True, exist_ok=True)
            self._executor().submit(_rehearse, str(book_dir), str(project.staging), str(project.root))

    def settle(self) -> None:
        """Ask a worker for a full garbage collection now, while it has nothing else to do (see _settle)."""
        if self.executor is not None:
            self.executor.submit(_settle, True)

    def build(self, book_dir: Path, output: Path, project: Project, fresh: bool = True) -> Path:
        """Build the edition's HTML with warnings as errors (`fresh`: from an empty Sphinx environment); returns
        the html folder."""
        self.builds += 1
        ok, log = self._executor().submit(_build_in_this_process, str(book_dir), str(output), str(project.root),
                                       fresh).result()
        html_dir = output / "_build" / "html"
        if not ok or not (html_dir / "index.html").is_file():
            lines = [line for line in log.strip().splitlines() if line.strip()]
            raise BuildError(f"Jupyter Book failed for {project.relative(book_dir)}:\n" + "\n".join(lines[-25:]),
                             hint="The executed notebooks are kept in " + project.relative(book_dir))
        return html_dir


def _pdf_link(edition: Edition, project: Project) -> str:
    name = pdf_name(edition.year, edition.district)
    path = project.site / edition.key / name
    if not path.is_file():
        return ""
    size = path.stat().st_size
    shown = f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{max(1, round(size / 1000))} KB"
    return f'<a href="{edition.key}/{name}">Download the PDF<span class="csa-visually-hidden"> of this edition</span></a> ({shown})'


def _published_identity(edition: Edition, project: Project) -> dict:
    """The identity recorded in the edition's published build stamp ({} for a site built before it was)."""
    version = published_version(edition, project)
    try:
        record = json.loads((version / STAMP).read_text(encoding="utf-8")).get("identity")
    except (OSError, ValueError, AttributeError):
        return {}
    return record if isinstance(record, dict) else {}


INDEX_STYLE = """
:root { --ink: #1a1a1a; --brand: #4b2170; --muted: #505a5f; --rule: #b1b4b6; --paper: #ffffff; --panel: #f3f2f1; }
@media (prefers-color-scheme: dark) {
  :root { --ink: #f3f2f1; --brand: #cdb4ee; --muted: #c8c8c8; --rule: #6f777b; --paper: #121212; --panel: #1f1f1f; }
}
* { box-sizing: border-box; }
body { margin: 0; font: 1.1875rem/1.5 system-ui, "Segoe UI", Arial, sans-serif; color: var(--ink); background: var(--paper); }
a { color: var(--brand); text-underline-offset: 0.15em; }
a:focus-visible { outline: 3px solid #ffdd00; outline-offset: 0; background: #ffdd00; color: #0b0c0c; }
.csa-masthead { background: #4b2170; color: #ffffff; border-bottom: 10px solid #2e1446; }
.csa-masthead p { margin: 0 auto; max-width: 60rem; padding: 0.8rem 1rem; font-weight: 700; font-size: 1.1rem; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: clamp(1.9rem, 5vw, 2.9rem); line-height: 1.1; margin: 0.5rem 0 1rem; }
.csa-lead { font-size: 1.3rem; max-width: 40em; }
h2 { font-size: 1.6rem; margin: 2.2rem 0 0.6rem; padding-top: 0.6rem; border-top: 2px solid var(--rule); }
ul.csa-editions { list-style: none; padding: 0; margin: 0; }
.csa-edition { padding: 1rem 0; border-bottom: 1px solid var(--rule); }
.csa-edition h3 { font-size: 1.25rem; margin: 0 0 0.3rem; }
.csa-edition p { margin: 0.3rem 0; max-width: 40em; }
.csa-meta { color: var(--muted); font-size: 1rem; }
.csa-tag { display: inline-block; font-size: 0.9rem; font-weight: 700; padding: 0.1rem 0.5rem; margin-left: 0.4rem;
  vertical-align: 0.15em; letter-spacing: 0.02em; border: 1px solid currentColor; }
.csa-tag-published { color: #005a30; background: #cce2d8; }
.csa-tag-draft { color: #6e3619; background: #fcd6c3; }
footer { max-width: 60rem; margin: 0 auto; padding: 1rem; border-top: 1px solid var(--rule); color: var(--muted); font-size: 1rem; }
.csa-visually-hidden { position: absolute !important; width: 1px; height: 1px; margin: -1px; overflow: hidden;
  clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
"""


def _index_entry(edition: Edition, project: Project) -> str:
    identity = _published_identity(edition, project)
    title = identity.get("name") or edition.label()
    status = identity.get("status") or "Published"
    tag = "draft" if status == "Draft" else "published"
    summary = f"<p>{html.escape(identity['summary'])}</p>" if identity.get("summary") else ""
    period = f'<p class="csa-meta">{html.escape(identity["period"])}</p>' if identity.get("period") else ""
    reason = (f'<p class="csa-meta">Draft: {html.escape(identity["draft_reason"])}.</p>'
              if identity.get("draft_reason") else "")
    pdf = _pdf_link(edition, project)
    return (f'<li class="csa-edition"><h3><a href="{edition.key}/index.html">{html.escape(title)}</a>'
            f'<strong class="csa-tag csa-tag-{tag}">{html.escape(status)}</strong></h3>{period}{summary}{reason}'
            f'{f"<p>{pdf}</p>" if pdf else ""}</li>')


def write_index(project: Project) -> Path:
    """_build/site/index.html: the landing page of every built edition, grouped by year, newest first; each with
    what it is, its status (published or draft) and its PDF, as its build recorded them."""
    built = [e for e in discover_editions(project) if is_published(e, project)]
    by_year: dict[int, list[Edition]] = {}
    for e in built:
        by_year.setdefault(e.year, []).append(e)
    sections = []
    for year in sorted(by_year, reverse=True):
        items = "".join(_index_entry(e, project) for e in by_year[year])
        sections.append(f'<section aria-labelledby="year-{year}"><h2 id="year-{year}">{year}</h2>'
                        f'<ul class="csa-editions">{items}</ul></section>')
    body = "".join(sections) or "<p>No edition has been built yet. Run <code>make book</code>.</p>"
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Kent Community Safety Agreement: all editions</title>
<style>{INDEX_STYLE}</style>
</head>
<body>
<header class="csa-masthead"><p>Kent Community Safety Partnership</p></header>
<main class="csa-editions-page">
<h1>Kent Community Safety Agreement: all editions</h1>
<p class="csa-lead">The Community Safety Agreement sets out the community safety priorities for Kent agreed by the
Kent Community Safety Partnership. Each edition below can be read online or downloaded as a PDF.</p>
{body}
</main>
<footer><p>Built by csabook {html.escape(__version__)}.</p></footer>
</body>
</html>
"""
    project.site.mkdir(parents=True, exist_ok=True)
    write_atomic(project.site / "index.html", page)
    return project.site / "index.html"


