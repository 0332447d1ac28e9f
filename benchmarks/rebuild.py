"""Benchmark: csabook's builds against the plain papermill + Jupyter Book loop, side by side in one run.

    python benchmarks/rebuild.py [--year 2022] [--limit N]

Every measurement runs on a fresh copy of the project in a temporary folder, on the same machine and data:

  (a) a cold csabook build of every edition of the year (empty cache);
  (b) the plain loop: papermill on each notebook (a new kernel each), then `jupyter-book build` on each edition;
  (c) a csabook rebuild with no change;
  (d) a csabook rebuild after editing one data file (morile.csv), with the number of notebooks re-executed;
  (e) Jupyter Book's own `execute_notebooks: cache` after the same edit: does its output change? (It does not:
      jupyter-cache keys on code cells only, so the page stays stale. csabook's cache is keyed on the data read.)
  (f) a forced build of one edition (the county's), PDF included;
  (g) `csabook preview` of that edition: from saving a data file (foreword.yml) to the new text in a page open in
      Chromium, which updates itself.

It prints the ratios (a)/(b), (c)/(a), (d)/(a) and (g)/(f). --limit N uses only the first N editions of the year
(quicker runs).
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from csabook.pipeline.assemble import write_book_files  # noqa: E402
from csabook.pipeline.plan import plan_chapters  # noqa: E402
from csabook.pipeline.build import Progress, build_editions  # noqa: E402
from csabook.model.editions import select_editions  # noqa: E402
from csabook.paths import get_project  # noqa: E402

DEAD_PROXY = "127.0.0.1:9"  # the discard port: nothing listens there
EDITED_FROM, EDITED_TO = "Child Sexual Exploitation (CSE)", "Child Sexual Exploitation (CSE) [edited]"


def copy_project(dest: Path):
    for name in ("data", "params", "notebooks"):
        shutil.copytree(ROOT / name, dest / name)
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy2(ROOT / name, dest / name)
    return get_project(dest)


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def edit_morile(project) -> None:
    edit_text(project.data / "2022" / "county" / "morile.csv", EDITED_FROM, EDITED_TO)


def csabook_build(project, editions):
    return build_editions(editions, project, progress=Progress(io.StringIO()))


def plain_loop(project, editions) -> int:
    """papermill on each notebook with a new kernel, then jupyter-book build on each edition."""
    import papermill

    os.environ["CSABOOK_ROOT"] = str(project.root)
    jb = Path(sys.executable).parent / "jupyter-book"
    count = 0
    for edition in editions:
        chapters = plan_chapters(edition, project)
        book = project.root / "plain" / edition.key
        book.mkdir(parents=True)
        for template in chapters:
            papermill.execute_notebook(str(template), str(book / template.name), parameters=edition.parameters(),
                                       kernel_name="python3", progress_bar=False, cwd=str(project.root))
            count += 1
        write_book_files(edition, chapters, book, project)
        subprocess.run([str(jb), "build", str(book), "--path-output", str(book / "out"), "-q"], check=True,
                       capture_output=True)
    return count


def jupyter_cache_staleness(project) -> tuple[bool, float]:
    """Build 2022/county's Appendix B with execute_notebooks: cache, edit morile.csv, build again.

    Returns (did the page change after the edit, seconds for the rebuild).
    """
    import papermill
    import yaml

    edition = select_editions(2022, "county", project)[0]
    book = project.root / "jbcache"
    book.mkdir()
    templates = [project.notebooks / "index.ipynb", project.notebooks / "appendix_b.ipynb"]
    for template in templates:
        papermill.execute_notebook(str(template), str(book / template.name), parameters=edition.parameters(),
                                   prepare_only=True, kernel_name="python3")
    write_book_files(edition, templates, book, project)
    config = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8"))
    config["execute"] = {"execute_notebooks": "cache", "cache": str(book / ".jupyter_cache")}
    (book / "_config.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    jb = Path(sys.executable).parent / "jupyter-book"
    os.environ["CSABOOK_ROOT"] = str(project.root)

    def page() -> str:
        subprocess.run([str(jb), "build", str(book), "-q"], check=True, capture_output=True, cwd=str(project.root))
        html = (book / "_build" / "html" / "appendix_b.html").read_text(encoding="utf-8")
        return re.sub(r"<[^>]+>", " ", html)

    before = page()
    assert EDITED_FROM in before and EDITED_TO not in before
    edit_morile(project)
    seconds, after = timed(page)
    return EDITED_TO in after, seconds


def preview_edit(project, year: int) -> float:
    """Seconds from saving foreword.yml to its new text in a page open in Chromium, under `csabook preview`."""
    import threading

    from playwright.sync_api import sync_playwright

    from csabook.model.editions import select_editions as choose
    from csabook.tools.preview import Preview

    session = Preview(choose(year, "county", project)[0], project, port=0, out=io.StringIO())
    thread = threading.Thread(target=session.serve, daemon=True)
    thread.start()
    foreword = project.data / str(year) / "county" / "foreword.yml"
    try:
        while session.state.version < 1:
            time.sleep(0.05)
        with sync_playwright() as p:
            # Every request that is not to 127.0.0.1 goes to a proxy that is not there, and fails. (Blocking with
            # page.route would also turn off the browser's cache, which an analyst's browser has.)
            browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                        args=["--no-sandbox", "--headless", f"--proxy-server={DEAD_PROXY}"])
            page = browser.new_page()
            outside = []
            page.on("request", lambda r: None if r.url.startswith("http://127.0.0.1") else outside.append(r.url))
            page.goto(session.url.replace("index.html", "foreword.html"))
            page.wait_for_timeout(500)  # the page's request for news is open
            start = time.perf_counter()
            edit_text(foreword, "I am pleased", "I am very pleased")
            page.wait_for_function("document.querySelector('main') && "
                                   "document.querySelector('main').innerText.includes('I am very pleased')",
                                   timeout=120_000)
            seconds = time.perf_counter() - start
            browser.close()
        assert not outside, f"the preview's pages asked for {outside}"
    finally:
        session.stop()
        thread.join(timeout=30)
    return seconds


def edit_text(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--year", type=int, default=2022)
    parser.add_argument("--limit", type=int, default=None, help="use only the first N editions of the year")
    args = parser.parse_args()
    print(f"csabook rebuild benchmark: year {args.year}, {os.cpu_count()} core(s)", flush=True)
    with tempfile.TemporaryDirectory(prefix="csabook-bench-") as tmp:
        ours = copy_project(Path(tmp) / "csabook")
        plain = copy_project(Path(tmp) / "plain")
        jbc = copy_project(Path(tmp) / "jbcache")
        editions = select_editions(args.year, "all", ours)[: args.limit]
        plain_editions = select_editions(args.year, "all", plain)[: args.limit]
        print(f"{len(editions)} edition(s): {', '.join(e.key for e in editions)}", flush=True)

        a, first = timed(lambda: csabook_build(ours, editions))
        print(f"(a) csabook, cold:                 {a:8.1f} s  ({first.executed} notebooks executed, "
              f"{first.kernels} kernels)", flush=True)
        b, count = timed(lambda: plain_loop(plain, plain_editions))
        print(f"(b) papermill + jupyter-book loop: {b:8.1f} s  ({count} notebooks, one kernel each)", flush=True)
        c, again = timed(lambda: csabook_build(ours, editions))
        print(f"(c) csabook, no change:            {c:8.1f} s  ({again.executed} executed, {again.kernels} kernels "
              f"started, {len(again.unchanged)} editions kept)", flush=True)
        edit_morile(ours)
        d, edited = timed(lambda: csabook_build(ours, editions))
        print(f"(d) csabook, morile.csv edited:    {d:8.1f} s  ({edited.executed} notebooks re-executed: "
              f"{', '.join(sorted({n.rsplit('/', 1)[1] for n in edited.executed_notebooks}))}; "
              f"{len(edited.built)} editions rebuilt)", flush=True)
        changed, e = jupyter_cache_staleness(jbc)
        print(f"(e) Jupyter Book execute_notebooks: cache, morile.csv edited: {e:.1f} s; "
              f"page changed: {'yes' if changed else 'NO - stale output'}", flush=True)
        county = select_editions(args.year, "county", ours)
        f, _ = timed(lambda: build_editions(county, ours, force=True, progress=Progress(io.StringIO())))
        print(f"(f) csabook, one edition forced:   {f:8.1f} s  ({county[0].key}, PDF included)", flush=True)
        g = preview_edit(ours, args.year)
        print(f"(g) csabook preview, save to page: {g:8.2f} s  (foreword.yml edited, the open tab updates itself)",
              flush=True)
        print(f"ratio (a)/(b) = {a / b:.3f}  (csabook cold is {b / a:.1f}x faster than the plain loop)")
        print(f"ratio (c)/(a) = {c / a:.3f}  (a no-change rebuild costs {100 * c / a:.1f}% of a cold build)")
        print(f"ratio (d)/(a) = {d / a:.3f}  (a one-file edit costs {100 * d / a:.1f}% of a cold build)")
        print(f"ratio (g)/(f) = {g / f:.3f}  (a preview edit costs {100 * g / f:.1f}% of a forced one-edition build)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
