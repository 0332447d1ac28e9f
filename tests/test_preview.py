"""`csabook preview` as an analyst uses it: the page open in Chromium follows each saved edit by itself, shows a
broken file's problem and recovers when it is fixed; Ctrl-C ends it with no kernel left; the published site and
book/ are never touched, and no built file holds the live-reload script."""

from __future__ import annotations

import contextlib
import json
import re
import signal
import subprocess
import sys
import time
import urllib.request

import psutil
import pytest

from tests.browser import browser_session
from tests.conftest import copy_project, ctrl_c_as_at_a_terminal, small_book

pytestmark = pytest.mark.built  # runs builds of its own

EDIT = "PREVIEW-EDIT-TEXT"
PHRASE = "I am pleased to present the latest refresh"


def state(base: str, since: int | None = None) -> dict:
    query = "" if since is None else str(since)
    with urllib.request.urlopen(f"{base}/__csabook/events?since={query}", timeout=60) as response:
        return json.load(response)


@pytest.fixture
def previewing(tmp_path):
    """A preview of 2022/county (a four-page book) in its own process: (project, base URL, process)."""
    project = copy_project(tmp_path)
    small_book(project)
    with preview_process(project) as (base, process):
        yield project, base, process


@contextlib.contextmanager
def preview_process(project):
    """`csabook preview --year 2022` of `project`, once its first build has finished: (base URL, process)."""
    process = subprocess.Popen([sys.executable, "-m", "csabook", "--project", str(project.root), "preview",
                                "--year", "2022", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True, preexec_fn=ctrl_c_as_at_a_terminal)
    try:
        first = process.stdout.readline()
        found = re.search(r"at (http://127\.0\.0\.1:\d+)/2022/county/index\.html$", first.strip())
        assert found, first + process.stderr.read()
        base = found.group(1)
        deadline = time.monotonic() + 240
        while state(base)["version"] < 1:  # the first build has finished
            assert time.monotonic() < deadline and process.poll() is None
        assert state(base)["problems"] == []
        yield base, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()


def test_the_open_page_follows_edits_shows_problems_and_recovers(previewing):
    project, base, _ = previewing
    foreword = project.data / "2022" / "county" / "foreword.yml"
    good = foreword.read_text(encoding="utf-8")
    with browser_session() as (page, record):
        page.goto(f"{base}/2022/county/foreword.html")
        assert PHRASE in page.inner_text("main")
        page.evaluate("window.csabookTestMark = 1")  # gone if the page is loaded again
        foreword.write_text(good.replace(PHRASE, f"{PHRASE} {EDIT}", 1), encoding="utf-8")
        page.wait_for_function(f"document.querySelector('main') && document.querySelector('main').innerText"
                               f".includes('{EDIT}')", timeout=120_000)  # no reload asked for: the page did it
        # Only the article changed: it was swapped in place, the theme's scripts still loaded.
        assert page.evaluate("window.csabookTestMark") == 1

        foreword.write_text(good + "paragraphs: [unclosed\n", encoding="utf-8")
        box = page.locator("#csabook-preview-problems")
        box.wait_for(timeout=120_000)
        assert box.get_attribute("role") == "alert"
        assert re.search(r"data/2022/county/foreword\.yml:line \d+, column \d+: invalid YAML", box.inner_text())
        assert EDIT in page.inner_text("main")  # the last good build stays on the page

        foreword.write_text(good, encoding="utf-8")
        page.wait_for_function(f"!document.getElementById('csabook-preview-problems') && "
                               f"document.querySelector('main') && "
                               f"!document.querySelector('main').innerText.includes('{EDIT}')", timeout=120_000)
        assert PHRASE in page.inner_text("main")
        assert page.evaluate("window.csabookTestMark") == 1

        # A change outside the article (the footer's author, on every page) loads the page again.
        config = project.root / "_config.yml"
        config.write_text(config.read_text(encoding="utf-8").replace(
            "author: Kent Community Safety Partnership", f"author: Kent Community Safety Partnership {EDIT}", 1),
            encoding="utf-8")
        page.wait_for_function(f"document.body && document.body.innerText.includes('{EDIT}')", timeout=120_000)
        assert page.evaluate("window.csabookTestMark") is None
        assert record.blocked == []
    built = project.build / "preview" / "site" / "2022" / "county"
    assert "__csabook" not in (built / "foreword.html").read_text(encoding="utf-8")  # only the served page has it
    assert not project.site.exists() and not (project.root / "book").exists()  # the published outputs: untouched


def test_ctrl_c_stops_it_and_leaves_no_kernel_behind(previewing):
    project, base, process = previewing
    children = psutil.Process(process.pid).children(recursive=True)
    assert any("ipykernel" in " ".join(c.cmdline()) for c in children), [c.cmdline() for c in children]
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert out.rstrip().endswith("Preview stopped.") and "Traceback" not in err, err
    gone, alive = psutil.wait_procs(children, timeout=10)
    assert alive == [], [c.cmdline() for c in alive]


def test_its_kernel_is_running_before_the_first_save_even_when_nothing_needed_one(tmp_path):
    project = copy_project(tmp_path)
    small_book(project)
    built = subprocess.run([sys.executable, "-m", "csabook", "--project", str(project.root), "build", "--year", "2022",
                            "--no-pdf"], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr  # every page of the preview's first build comes from the cache
    with preview_process(project) as (base, process):
        deadline = time.monotonic() + 120
        while not any("ipykernel" in " ".join(c.cmdline())
                      for c in psutil.Process(process.pid).children(recursive=True)):
            assert time.monotonic() < deadline, "no kernel was started for the first save"
            time.sleep(0.2)


def test_a_preview_stopped_before_it_served_stops(tmp_path):
    """A library caller may stop a preview it never served (its first build raised, say): stop() returns."""
    import io
    import threading

    from csabook.model.editions import select_editions
    from csabook.tools.preview import Preview

    project = copy_project(tmp_path)
    session = Preview(select_editions(2022, "county", project)[0], project, port=0, out=io.StringIO())
    stopping = threading.Thread(target=session.stop, daemon=True)
    stopping.start()
    stopping.join(timeout=60)  # a guard against hanging the test run, not a measure of speed
    assert not stopping.is_alive(), "stop() waited for a server that was never started"


def test_a_preview_whose_first_build_kept_the_site_rehearses_jupyter_book_before_the_first_save(tmp_path):
    """Started again on an edition it has built, the preview publishes nothing new; its Jupyter Book worker then
    builds the edition once into a folder thrown away, so that the first save finds it practised."""
    import io
    import threading

    from csabook.model.editions import select_editions
    from csabook.tools.preview import Preview

    project = copy_project(tmp_path)
    small_book(project)
    edition = select_editions(2022, "county", project)[0]
    first = Preview(edition, project, port=0, out=io.StringIO())
    try:
        assert first.build() == [] and first.workers.books.builds == 1
    finally:
        first.stop()
    out = io.StringIO()
    again = Preview(edition, project, port=0, out=out)
    serving = threading.Thread(target=again.serve, daemon=True)
    serving.start()
    try:
        deadline = time.monotonic() + 120
        while again.state.version < 1:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert "[2022/county] unchanged: the published site is kept" in out.getvalue()
        while again.workers.books.builds < 1:  # asked for just after the first build
            assert time.monotonic() < deadline
            time.sleep(0.1)
        staging = again.project.staging
        while any(p.name.startswith("rehearsal-") for p in staging.iterdir()) or again.workers.books.builds != 1:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        foreword = project.data / "2022" / "county" / "foreword.yml"
        foreword.write_text(foreword.read_text(encoding="utf-8").replace(PHRASE, f"{PHRASE} {EDIT}", 1),
                            encoding="utf-8")
        while again.state.version < 2:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert again.state.problems == []
        page = again.project.site / "2022" / "county" / "foreword.html"
        assert EDIT in page.read_text(encoding="utf-8")
        assert again.workers.books.builds == 2  # the rehearsal, then the save's build
    finally:
        again.stop()
        serving.join(timeout=60)
