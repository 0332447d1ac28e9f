"""`csabook build`: validate, execute what the cache cannot serve, assemble and publish each edition.

Stages, each timed for the summary:
1. validate every selected edition (nothing runs if any data problem is found);
2. look up every (edition, chapter) in the execution cache; execute the rest in N warm kernels at once;
3. write each edition's book (executed notebooks + provenance notes, _config.yml, _toc.yml) into book/;
4. run Jupyter Book for each edition whose book changed (N at once), and publish each one atomically;
5. rewrite the editions index.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from csabook.version import __version__, environment
from csabook.pipeline.assemble import JupyterBookPool, book_files, write_book_files, write_index
from csabook.pipeline.plan import plan_chapters
from csabook.pipeline.inputs import Inputs, folder_manifest, scan
from csabook.model.book import book_chapters, notebook_title
from csabook.model.markup import markdown_text
from csabook.model.identity import Identity, identify
from csabook.model.loader import open_edition
from csabook.model.reads import record_reads
from csabook.pipeline.cache import ExecutionCache, Lookup, entry_key, package_hash
from csabook.model.reads import sha256_of
from csabook.html.downloads import write_downloads
from csabook.model.editions import Edition
from csabook.errors import CsabookError, ExecutionError, Problem, SelectionError
from csabook.pipeline.execute import (WarmKernel, cell_timeout, clean_stale_sockets, execute_chapter,
                                      kernel_memory)
from csabook.paths import Project, write_if_changed
from csabook.model.editions import pdf_name
from csabook.pipeline.pdf import PdfPrinter
from csabook.pipeline.provenance import NOTE_ID, PAGE, build_date, edition_page, edition_record, git_commit, page_note
from csabook.pipeline.publish import STAMP, build_lock, publish, published_version
from csabook.validation.selection import validate_editions



@dataclass
class Task:
    """One chapter of one edition."""

    edition: Edition
    template: Path
    key: str
    lookup: Lookup | None = None
    notebook: Path | None = None
    dependencies: dict = field(default_factory=dict)
    noted: tuple[str, str] | None = None  # (commit, date) of its page's provenance note, once the book is written
    executed: bool = False
    error: CsabookError | None = None


@dataclass(frozen=True)
class Summary:
    """What a build did. A build that failed still returns its Summary: `ok` is False, and `problems` (data,
    found before anything ran) or `failures` (chapters or editions that failed; the others were published) say why."""

    editions: tuple[str, ...] = ()  # the editions asked for, "<year>/<district>"
    executed_notebooks: tuple[str, ...] = ()  # "<year>/<district>/<chapter>", sorted
    failed_notebooks: tuple[str, ...] = ()  # the same, for those that failed (their errors are in `failures`)
    cached: int = 0
    built: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    failures: tuple[CsabookError, ...] = ()
    kernels: int = 0
    seconds: tuple[tuple[str, float], ...] = ()  # (stage, seconds), in order

    @property
    def ok(self) -> bool:
        return not self.problems and not self.failures

    @property
    def executed(self) -> int:
        return len(self.executed_notebooks)

    def lines(self) -> list[str]:
        if self.problems:
            return [f"{len(self.problems)} problem(s) in the data: nothing was executed or published."]
        stages = ", ".join(f"{name} {secs:.1f}s" for name, secs in self.seconds)
        return [f"Notebooks: {self.executed} executed, {self.cached} from the cache, "
                f"{len(self.failed_notebooks)} failed "
                f"({self.kernels} kernel(s) started).",
                f"Editions: {len(self.built)} built, {len(self.unchanged)} unchanged (kept as published).",
                f"Time: {stages}."]


class Progress:
    """A progress bar on a terminal; plain lines otherwise (and always under CI)."""

    def __init__(self, out=None):
        self.out = out or sys.stderr
        self.bar = None
        self.use_bar = self.out.isatty() and not os.environ.get("CI")

    def line(self, text: str) -> None:
        if self.bar is not None:
            self.bar.write(text, file=self.out)
        else:
            print(text, file=self.out, flush=True)

    def start(self, total: int, what: str) -> None:
        if self.use_bar and total:
            from tqdm import tqdm

            # the bar redraws itself with carriage returns; its text is generated, not data
            self.bar = tqdm(total=total, desc=what, unit="nb", file=getattr(self.out, "unfiltered", self.out),
                            leave=False)

    def advance(self, text: str) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(text[-40:], refresh=False)
            self.bar.update(1)
        else:
            self.line(text)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class KernelPool:
    """Warm kernels on worker threads of their own, one kernel per thread, each started only when a notebook needs
    executing on it. A kernel stays on the thread that started it; the pool (threads and kernels) can serve many
    builds."""

    def __init__(self, project: Project, jobs: int = 1):
        self.project = project
        self.local = threading.local()
        self.all: list[WarmKernel] = []
        self.lock = threading.Lock()
        self.stopped = False
        self.jobs = max(1, jobs)
        self.threads = ThreadPoolExecutor(max_workers=self.jobs, thread_name_prefix="csabook-kernel")

    def get(self) -> WarmKernel:
        if self.stopped:  # the build was interrupted: no kernel is started again
            raise CsabookError("the build was interrupted")
        kernel = getattr(self.local, "kernel", None)
        if kernel is None or kernel.closed:
            kernel = WarmKernel(self.project)
            with self.lock:
                self.all.append(kernel)
            self.local.kernel = kernel
        return kernel

    def started(self) -> int:
        return sum(k.started for k in self.all)

    def warm(self) -> None:
        """Start every thread's kernel now, in the background, so that the next notebook finds it running."""
        def start() -> None:
            try:
                self.get().ensure()
            except CsabookError:
                pass  # stopped meanwhile; a notebook that needs a kernel reports any other failure itself
        for _ in range(self.jobs):
            self.threads.submit(start)

    def stop(self) -> None:
        """Stop at once: no queued chapter starts, and every kernel is shut down (ending the chapters running in
        them)."""
        self.stopped = True
        self.threads.shutdown(wait=False, cancel_futures=True)
        with self.lock:
            kernels = list(self.all)
        for kernel in kernels:
            kernel.close()


def execute_with_retry(task: Task, output: Path, project: Project, pool: KernelPool) -> dict:
    """Execute one chapter; a kernel that died is replaced and the chapter tried once more. Any other error is
    reported as it is: retrying would only hide it."""
    for attempt in range(2):
        kernel = pool.get()
        try:
            return execute_chapter(task.template, task.edition, output, project, kernel)
        except CsabookError:
            raise
        except Exception as exc:
            died = not kernel.alive()
            kernel.stop()
            what = f"{task.edition.key}: chapter '{task.template.stem}'"
            if not died:
                raise CsabookError(f"{what}: {type(exc).__name__}: {exc}") from exc
            if attempt == 1:
                raise CsabookError(f"{what}: the kernel died twice ({type(exc).__name__}: {exc})",
                                   hint="The system kills a kernel when the machine runs out of memory; the chapter's "
                                        "data files are those its template requires. A kernel's own limit is "
                                        "CSABOOK_KERNEL_MEMORY (MB).") from exc
    raise AssertionError("unreachable")


def execute_tasks(tasks: list[Task], project: Project, cache: ExecutionCache, progress: Progress,
                  pool: KernelPool) -> None:
    """Execute each task in a warm kernel of `pool` (as many at once as it has threads); store the results in the
    cache."""
    work = project.staging / "executed"
    work.mkdir(parents=True, exist_ok=True)

    def run(task: Task) -> Task:
        output = work / task.edition.stem / task.template.name
        try:
            deps = execute_with_retry(task, output, project, pool)
        except ExecutionError as exc:
            keep = edition_book_dir(task.edition, project) / task.template.name
            keep.parent.mkdir(parents=True, exist_ok=True)
            if output.is_file():
                shutil.copyfile(output, keep)
            task.error = ExecutionError(exc.edition, exc.chapter, exc.cell, exc.error, project.relative(keep), exc.files)
            return task
        except CsabookError as exc:
            task.error = exc
            return task
        task.notebook = cache.store(task.key, output, deps)
        task.dependencies, task.executed = deps, True
        return task

    try:
        futures = [pool.threads.submit(run, t) for t in tasks]
        for future in as_completed(futures):
            task = future.result()
            state = "failed" if task.error else "executed"
            progress.advance(f"[{task.edition.key}] {task.template.stem} {state}")
    except KeyboardInterrupt:
        # Stop now, not when the running cells end: no new chapter starts, and the kernels are shut down, which
        # ends the chapters running in them.
        pool.stop()
        raise


def edition_fingerprint(tasks: list[Task], files: dict[str, str], identity: Identity) -> str:
    """What the edition's site is built from: its executed notebooks, the data files each read (with their
    hashes, which its provenance notes, provenance.json and PDF show), book files and csabook itself (whose hash
    covers the static assets), and the versions of the libraries that shape the output. The build's date and commit
    are left out: they only say when it was built."""
    digest = hashlib.sha256(package_hash().encode())
    digest.update(json.dumps(environment(), sort_keys=True).encode())
    for task in tasks:
        digest.update(f"{task.template.stem}:{sha256_of(task.notebook)}\n".encode())
        digest.update(json.dumps(task.dependencies, sort_keys=True).encode())
    for name, text in sorted(files.items()):
        digest.update(f"{name}:{text}\n".encode())
    digest.update(json.dumps(identity.as_record(), sort_keys=True).encode())
    return digest.hexdigest()


def manifest(folder: Path) -> str:
    """A digest of every file of a built edition (its path and size), but the stamp that records it."""
    return folder_manifest(folder, skip=(STAMP,))


def read_stamp(edition: Edition, project: Project) -> dict:
    version = published_version(edition, project)
    try:
        return json.loads((version / STAMP).read_text(encoding="utf-8")) if version else {}
    except (OSError, ValueError):
        return {}


def _with_note(notebook: nbformat.NotebookNode, edition: Edition, dependencies: dict, commit: str, date: str) -> str:
    """The book file of a chapter: its executed notebook, then its provenance note (which records when it was
    built, so that an unchanged page can keep its note)."""
    cell = nbformat.v4.new_markdown_cell(page_note(edition, dependencies, commit, date), id=NOTE_ID)
    cell.metadata["csabook"] = {"commit": commit, "built": date}
    copy = nbformat.from_dict(notebook)
    copy.cells.append(cell)
    return nbformat.writes(copy)


def _noted(path: Path) -> tuple[str, str] | None:
    """(commit, date) of the provenance note of an existing book file, or None."""
    try:
        last = nbformat.read(path, as_version=4).cells[-1]
        meta = last.metadata["csabook"]
        return (meta["commit"], meta["built"]) if last.get("id") == NOTE_ID else None
    except (OSError, ValueError, KeyError, IndexError, AttributeError, nbformat.ValidationError):
        return None


def edition_book_dir(edition: Edition, project: Project) -> Path:
    """Where an edition's Jupyter Book source (executed notebooks, _config.yml, _toc.yml) is written."""
    return project.book / edition.key


def _retitled(notebook: nbformat.NotebookNode, heading: str) -> nbformat.NotebookNode:
    """The notebook with its "# " heading (the page title) replaced by `heading`, as plain text."""
    copy = nbformat.from_dict(notebook)
    _, index, rest = notebook_title(copy.cells)
    if index is not None:
        copy.cells[index].source = f"# {markdown_text(heading)}\n{rest}".rstrip("\n")
    return copy


def write_book(edition: Edition, tasks: list[Task], files: dict[str, str], project: Project, commit: str,
               date: str, heading: str | None = None) -> Path:
    """book/<year>/<district>/: each executed notebook with its provenance note, and the book files.

    A file is written only when its bytes change, and a page whose content is unchanged keeps the note (commit and
    date) it was built with: Sphinx, which keeps its environment between builds, then reads and writes again only
    the pages that changed. Files no longer part of the book are removed. `heading`: the home page's title
    (the edition's identity heading), in place of its template's."""
    book_dir = edition_book_dir(edition, project)
    book_dir.mkdir(parents=True, exist_ok=True)
    wanted, titles = set(), {}
    for task in tasks:
        target = book_dir / task.template.name
        wanted.add(target.name)
        notebook = nbformat.read(task.notebook, as_version=4)
        if heading and task is tasks[0]:  # the root page comes first
            notebook = _retitled(notebook, heading)
        titles[task.template.stem] = notebook_title(notebook.cells)[0] or task.template.stem
        before = _noted(target)
        if before is not None and target.read_text(encoding="utf-8") == _with_note(notebook, edition,
                                                                                   task.dependencies, *before):
            task.noted = before  # unchanged: keep it, and the date it was built
            continue
        write_if_changed(target, _with_note(notebook, edition, task.dependencies, commit, date))
        task.noted = (commit, date)
    about = nbformat.v4.new_notebook(metadata={k: v for k, v in notebook.metadata.items()
                                                if k in ("kernelspec", "language_info")})
    about.cells = [nbformat.v4.new_markdown_cell(edition_page(edition, [
        (t.template.stem, titles[t.template.stem], t.dependencies, t.noted) for t in tasks]), id=PAGE)]
    write_if_changed(book_dir / f"{PAGE}.ipynb", nbformat.writes(about))
    wanted.add(f"{PAGE}.ipynb")
    wanted |= write_book_files(edition, [t.template for t in tasks], book_dir, project, files)
    for path in sorted(book_dir.rglob("*"), reverse=True):
        name = path.relative_to(book_dir).as_posix()
        if path.is_file() and name not in wanted:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return book_dir


def sphinx_dir(edition: Edition, project: Project) -> Path:
    """The edition's kept Jupyter Book output: Sphinx's environment and HTML from its last build."""
    return project.sphinx / edition.stem


def _kept_state(folder: Path) -> Path:
    return folder.with_name(folder.name + ".json")


def kept_environment(edition: Edition, project: Project, force: bool) -> tuple[Path, bool]:
    """(the edition's Sphinx folder, whether to build it fresh). The kept environment is used only when its last
    build finished and was made by the same csabook and libraries; a doubtful one (a build killed or failed
    meanwhile, another version) is thrown away."""
    folder = sphinx_dir(edition, project)
    try:
        state = json.loads(_kept_state(folder).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = {}
    sound = state.get("ok") is True and state.get("made_by") == _made_by() and (folder / "_build" / "html").is_dir()
    if force or not sound:
        shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    _kept_state(folder).write_text(json.dumps({"ok": False, "made_by": _made_by()}), encoding="utf-8")
    return folder, force or not sound


def _made_by() -> str:
    """What a kept Sphinx environment depends on besides its sources: csabook and the libraries' versions."""
    return hashlib.sha256((package_hash() + json.dumps(environment(), sort_keys=True)).encode()).hexdigest()


def stage_site(html_dir: Path, staged: Path, previous: Path | None) -> None:
    """Copy Jupyter Book's output into `staged`. A file the previous published version holds as it is (same size and
    modification time, which the copy keeps) is hard-linked from there instead: only the pages Sphinx wrote again
    are copied. Published files are never written in place, so the link is as safe as a copy."""
    for folder, _, names in os.walk(html_dir):
        relative = os.path.relpath(folder, html_dir)
        into = os.path.normpath(os.path.join(staged, relative))
        os.makedirs(into, exist_ok=True)
        for name in names:
            source, target = os.path.join(folder, name), os.path.join(into, name)
            if previous is not None:
                old = os.path.join(previous, relative, name)
                try:
                    new_stat, old_stat = os.stat(source), os.stat(old)
                    if (new_stat.st_size, new_stat.st_mtime_ns) == (old_stat.st_size, old_stat.st_mtime_ns):
                        os.link(old, target)
                        continue
                except OSError:
                    pass
            shutil.copy2(source, target)


def build_site(edition: Edition, tasks: list[Task], book_dir: Path, stamp: dict, project: Project,
               books: JupyterBookPool, stop: threading.Event, force: bool, printer: PdfPrinter) -> Path:
    """Jupyter Book into the edition's kept Sphinx folder (only changed pages are read and written), copied into a
    fresh staging folder with the edition's downloads, PDF, provenance.json and stamp; then publish, unless the
    build was interrupted meanwhile (`stop`). The kept folder is never published itself."""
    kept, fresh = kept_environment(edition, project, force)
    html_dir = books.build(book_dir, kept, project, fresh=fresh)
    _kept_state(kept).write_text(json.dumps({"ok": True, "made_by": _made_by()}), encoding="utf-8")
    work = Path(tempfile.mkdtemp(prefix=f"{edition.stem}-", dir=project.staging))
    try:
        staged = work / "html"
        stage_site(html_dir, staged, published_version(edition, project))
        write_downloads(book_dir, staged)
        if stamp["pdf"]:
            printer.print(edition, book_dir, staged)
        pages = {t.template.stem: t.dependencies for t in tasks}
        noted = {t.template.stem: t.noted for t in tasks if t.noted}
        (staged / "provenance.json").write_text(edition_record(edition, pages, stamp["commit"], stamp["built"], noted),
                                                encoding="utf-8")
        (staged / STAMP).write_text(json.dumps({**stamp, "manifest": manifest(staged)}, indent=1), encoding="utf-8")
        if stop.is_set():
            raise KeyboardInterrupt  # nothing is published after an interrupt
        return publish(staged, edition, project)
    finally:
        shutil.rmtree(work, ignore_errors=True)


@dataclass
class Workers:
    """The kernels and Jupyter Book processes of a build. `csabook preview` keeps one across its rebuilds, so that a
    rebuild starts neither; a build makes its own and closes it at the end."""

    kernels: KernelPool
    books: JupyterBookPool

    @classmethod
    def start(cls, project: Project, jobs: int) -> "Workers":
        return cls(KernelPool(project, jobs), JupyterBookPool(jobs))

    def close(self) -> None:
        self.kernels.stop()
        self.books.close()


def build_editions(editions: list[Edition], project: Project, jobs: int | None = None, force: bool = False,
                   progress: Progress | None = None, pdf: bool = True, workers: Workers | None = None) -> Summary:
    """Validate, execute (or reuse), assemble and publish `editions`; returns what was done, failures included.

    `workers`: kernels and Jupyter Book processes to use and leave running (default: the build's own).
    Raises only when the build cannot start (a bad --jobs, another build holding the lock) or is interrupted."""
    progress = progress or Progress()
    jobs = os.cpu_count() or 1 if jobs is None else jobs
    if jobs < 1:
        raise SelectionError(f"--jobs must be at least 1, not {jobs}")
    cell_timeout(), kernel_memory()  # a bad CSABOOK_CELL_TIMEOUT or CSABOOK_KERNEL_MEMORY is one line, up front
    asked = tuple(e.key for e in editions)
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[stage] = seconds.get(stage, 0.0) + now - clock
        clock = now

    # Editions whose recorded inputs all stand as they were listed are kept without further work (see
    # csabook.pipeline.inputs): the cost of a build that changes nothing is that of listing the sources.
    inputs = Inputs(project, _made_by(), scan(project))
    kept = [] if force else [e for e in editions if inputs.unchanged(e, pdf)]
    for edition in kept:
        progress.line(f"[{edition.key}] unchanged: the published site is kept")
    kept_keys = {e.key for e in kept}
    editions = [e for e in editions if e.key not in kept_keys]
    checked: dict[tuple[int, str], dict[str, str]] = {}
    problems = validate_editions([(e.year, e.district) for e in editions], project, reads=checked) if editions else []
    if problems:
        return Summary(editions=asked, problems=tuple(problems))
    lap("validate")
    built, unchanged = [], [e.key for e in kept]
    if not editions:
        # Every edition kept: the index is as it was, unless missing; editions kept from their own records are
        # noted in the listing-wide record, so that the next build finds them at once.
        if not (project.site / "index.html").is_file() or inputs.quick_changed:
            with build_lock(project, progress.line):
                if not (project.site / "index.html").is_file():
                    write_index(project)
                inputs.save_listing()
        summary = Summary(editions=asked, unchanged=tuple(unchanged), seconds=tuple(seconds.items()))
        for line in summary.lines():
            progress.line(line)
        return summary
    with build_lock(project, progress.line):
        clean_stale_sockets()
        cache = ExecutionCache(project)
        cache.clean_partial()
        plan, planned = {}, {}
        for e in editions:
            with record_reads() as log:
                plan[e] = [Task(e, t, entry_key(t, e.parameters())) for t in plan_chapters(e, project)]
            planned[e] = log.snapshot()
        tasks = [t for ts in plan.values() for t in ts]
        for task in tasks:
            task.lookup = Lookup(task.key, "forced") if force else cache.lookup(task.key)
            if task.lookup.status == "hit":
                task.notebook, task.dependencies = task.lookup.notebook, task.lookup.dependencies
            elif task.lookup.status == "corrupt":
                progress.line(f"[{task.edition.key}] {task.template.stem}: cache entry is corrupt "
                              f"({task.lookup.reason}); executing again")
        todo = [t for t in tasks if t.notebook is None]
        cached = len(tasks) - len(todo)
        progress.line(f"{len(editions)} edition(s), {len(tasks)} notebook(s): {cached} from the cache, "
                      f"{len(todo)} to execute with {min(jobs, max(len(todo), 1))} kernel(s).")
        lap("plan")
        own = workers is None
        workers = workers or Workers.start(project, jobs)
        # An edition with a notebook to execute will almost surely be built: its Jupyter Book worker starts now,
        # beside the kernels, rather than after them.
        workers.books.warm(len({t.edition.key for t in todo}))
        pool = workers.kernels
        started = pool.started()
        try:
            progress.start(len(todo), "executing")
            execute_tasks(todo, project, cache, progress, pool)
        except BaseException:
            workers.close()  # an interrupt stops the kernels at once, a kept pool's too
            raise
        finally:
            progress.finish()
            if own:
                pool.stop()
            kernels = pool.started() - started
        executed = tuple(sorted(f"{t.edition.key}/{t.template.stem}" for t in todo if t.executed))
        failed = [t for t in tasks if t.error]
        lap("execute")

        commit, date = git_commit(project), build_date()
        to_build = []
        for edition, ed_tasks in plan.items():
            if any(t.error for t in ed_tasks):
                continue
            identity = identify(open_edition(edition.year, edition.district, project))
            files = book_files(edition, [t.template for t in ed_tasks], project, pdf, about=True, identity=identity)
            fingerprint = edition_fingerprint(ed_tasks, files, identity)
            old = read_stamp(edition, project)
            if not force and old.get("fingerprint") == fingerprint and \
                    old.get("manifest") != manifest(published_version(edition, project)):
                progress.line(f"[{edition.key}] the published files differ from those built (changed or removed "
                              "by hand): building it again")
            elif not force and old.get("fingerprint") == fingerprint:
                # book/ gets the notes of the published build, which it still is.
                write_book(edition, ed_tasks, files, project, old["commit"], old["built"], identity.heading)
                unchanged.append(edition.key)
                progress.line(f"[{edition.key}] unchanged: the published site is kept")
                continue
            book_dir = write_book(edition, ed_tasks, files, project, commit, date, identity.heading)
            stamp = {"fingerprint": fingerprint, "csabook": __version__, "commit": commit, "built": date, "pdf": pdf,
                     "identity": identity.as_record()}
            to_build.append((edition, ed_tasks, book_dir, stamp))
            progress.line(f"[{edition.key}] building the site with Jupyter Book" +
                          (", then its PDF with Chromium" if pdf else " (no PDF)"))
        lap("assemble")

        build_errors = []
        printer = PdfPrinter(project, force)
        try:
            if to_build:
                project.staging.mkdir(parents=True, exist_ok=True)
                threads_n = max(1, min(jobs, len(to_build)))
                stop = threading.Event()
                with ThreadPoolExecutor(max_workers=threads_n) as threads:
                    futures = {threads.submit(build_site, *job, project, workers.books, stop, force, printer): job[0]
                               for job in to_build}
                    try:
                        for future in as_completed(futures):
                            edition = futures[future]
                            try:
                                future.result()
                            except CsabookError as exc:
                                build_errors.append(exc)
                                progress.line(f"[{edition.key}] Jupyter Book failed")
                                continue
                            built.append(edition.key)
                            progress.line(f"[{edition.key}] published {project.relative(project.site)}/{edition.key}")
                    except KeyboardInterrupt:
                        stop.set()  # builds still running finish their site but publish nothing
                        for future in futures:
                            future.cancel()
                        raise
        finally:
            printer.close()
            if own:
                workers.close()
        lap("jupyter-book")
        write_index(project)
        for edition, ed_tasks in plan.items():
            if edition.key in built or edition.key in unchanged:
                layers = [f"data/{edition.year}/county", f"data/{edition.year}/districts",
                          f"data/{edition.year}/districts/{edition.district}", "data"]  # validation lists them
                reads = {**checked.get((edition.year, edition.district), {}), **planned[edition],
                         **{project.relative(project.notebooks / f"{n}.ipynb"): "sha256:"
                            for n in book_chapters(project)}, **{folder: "list:" for folder in layers}}
                for task in ed_tasks:
                    reads.update(task.dependencies)
                inputs.record(edition, reads, pdf, published_version(edition, project))
            else:
                inputs.forget(edition)
        inputs.save_listing()  # with the editions kept from their own records (confirmed as they were checked)
        lap("index")
    summary = Summary(editions=asked, executed_notebooks=executed, cached=cached, built=tuple(sorted(built)),
                      failed_notebooks=tuple(sorted(f"{t.edition.key}/{t.template.stem}" for t in failed)),
                      unchanged=tuple(unchanged), failures=tuple([t.error for t in failed] + build_errors),
                      kernels=kernels,
                      seconds=tuple(seconds.items()))
    for line in summary.lines():
        progress.line(line)
    return summary
