"""Faults during a build: children die with it, nothing is published after an interrupt, damaged state is named
or repaired, provenance stays true, and limits on a chapter's time and memory name what was being rendered."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from csabook.pipeline.build import execute_with_retry
from csabook.pipeline.cache import ExecutionCache
from csabook.errors import BuildError, CsabookError
from csabook.pipeline.pdf import chapter_pages
from csabook.pipeline.publish import build_lock

from .conftest import append_cell
from .conftest import ctrl_c_as_at_a_terminal, small_book
from .test_safe_builds import build, snapshot

pytestmark = pytest.mark.built  # runs builds or kernels of its own


def descendants(pid: int) -> set[int]:
    """Every living process below `pid`, from /proc."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def start_build(project, *args):
    env = {**os.environ, "CSABOOK_ROOT": str(project.root)}
    return subprocess.Popen([sys.executable, "-m", "csabook", "build", "--year", "2022", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
                            preexec_fn=ctrl_c_as_at_a_terminal)


def wait_for(proc, text: str) -> list[str]:
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if text in line:
            return lines
    raise AssertionError(f"the build ended before {text!r}:\n{''.join(lines)}")


def gone(pids: set[int], deadline: float = 30) -> set[int]:
    """The processes of `pids` still alive once they have all gone or `deadline` seconds passed (a hang guard)."""
    end = time.monotonic() + deadline
    while time.monotonic() < end and any(alive(p) for p in pids):
        time.sleep(0.2)
    return {p for p in pids if alive(p)}


def children_of(proc, deadline: float = 60) -> set[int]:
    """The build's child processes, as soon as it has some (polled; `deadline` guards against a hang)."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        found = descendants(proc.pid)
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError("the build started no child process, so this test would prove nothing")


@pytest.mark.parametrize("moment, signal_", [("notebook(s):", signal.SIGKILL),
                                             ("] building the site with Jupyter Book", signal.SIGKILL),
                                             ("notebook(s):", signal.SIGINT)])
def test_every_child_dies_with_the_build(project, moment, signal_):
    small_book(project)
    if moment == "notebook(s):":  # a chapter that keeps its kernel busy while the build is stopped
        append_cell(project, "foreword", nbformat.v4.new_code_cell("import time\ntime.sleep(60)"))
    proc = start_build(project, "--force")
    try:
        wait_for(proc, moment)
        children = children_of(proc)
        os.kill(proc.pid, signal_)  # the build alone, as a crash or the OOM killer would: not its process group
        proc.wait(timeout=120)
        assert gone(children) == set()
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_an_interrupt_while_jupyter_book_runs_publishes_nothing(built_small):
    project = built_small
    before = snapshot(project.site)
    proc = start_build(project, "--force")
    try:
        wait_for(proc, "] building the site with Jupyter Book")
        os.kill(proc.pid, signal.SIGINT)
        output = proc.communicate(timeout=300)[0]
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    assert proc.returncode == 130, output
    assert "interrupted: nothing was published after the interrupt" in output
    assert "published _build/site" not in output
    assert snapshot(project.site) == before


def test_provenance_follows_a_change_that_leaves_the_pages_as_they_were(built_small):
    project = built_small
    foreword = project.data / "2022" / "county" / "foreword.yml"
    foreword.write_text(foreword.read_text(encoding="utf-8") + "# a comment changes the file, not the page\n",
                        encoding="utf-8")
    result = build(project)
    assert result.returncode == 0, result.stderr
    import hashlib

    digest = hashlib.sha256(foreword.read_bytes()).hexdigest()
    record = json.loads((project.site / "2022" / "county" / "provenance.json").read_text(encoding="utf-8"))
    files = {f["path"]: f["sha256"] for f in record["pages"]["foreword"]["files"]}
    assert files["data/2022/county/foreword.yml"] == digest
    assert digest[:12] in (project.site / "2022" / "county" / "foreword.html").read_text(encoding="utf-8")


def test_a_page_deleted_by_hand_is_built_again(built_small):
    project = built_small
    page = project.site / "2022" / "county" / "contact.html"
    page.unlink()
    result = build(project)
    assert result.returncode == 0, result.stderr
    assert "the published files differ from those built" in result.stderr
    assert page.is_file()


@pytest.mark.parametrize("entry", [[], "x", 3, {"key": "K", "notebook_sha256": "S", "dependencies": 5},
                                   {"key": "K", "notebook_sha256": "S", "dependencies": {"data/x.yml": 7}}])
def test_a_cache_entry_of_the_wrong_shape_is_damaged_not_a_crash(project, tmp_path, entry):
    cache = ExecutionCache(project)
    notebook = tmp_path / "nb.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), str(notebook))
    stored = cache.store("K" * 64, notebook, {})
    text = json.dumps(entry).replace('"K"', json.dumps("K" * 64))
    if isinstance(entry, dict):
        from csabook.model.reads import sha256_of

        text = text.replace('"S"', json.dumps(sha256_of(stored)))
    (stored.parent / "entry.json").write_text(text, encoding="utf-8")
    assert cache.lookup("K" * 64).status == "corrupt"


def test_chromium_writing_a_garbage_pdf_is_one_line(tmp_path):
    garbage = tmp_path / "edition.pdf"
    garbage.write_bytes(b"%PDF-1.4 this is not a PDF at all")
    with pytest.raises(BuildError, match=r"Chromium reported success, but edition.pdf is not a readable PDF \("):
        chapter_pages(garbage)


def test_a_lock_that_is_a_folder_is_one_line(project):
    (project.build / ".build.lock").mkdir(parents=True)
    with pytest.raises(BuildError, match=r"cannot take the build lock _build/.build.lock: Is a directory; "
                                         r"expected a file"):
        with build_lock(project):
            pass


def test_a_failure_that_is_not_a_dead_kernel_is_reported_once_as_it_is(monkeypatch, project):
    import csabook.pipeline.build as build_module

    calls = []

    class Kernel:
        def alive(self):
            return True

        def stop(self):
            pass

    class Pool:
        def get(self):
            return Kernel()

    def fail(*args):
        calls.append(1)
        raise ModuleNotFoundError("No module named 'papermill'")

    monkeypatch.setattr(build_module, "execute_chapter", fail)
    task = build_module.Task(build_module.Edition(2022, "county"), project.notebooks / "foreword.ipynb", "k")
    with pytest.raises(CsabookError) as exc:
        execute_with_retry(task, project.build / "x.ipynb", project, Pool())
    assert calls == [1]
    assert str(exc.value) == "2022/county: chapter 'foreword': ModuleNotFoundError: No module named 'papermill'"


def build_with_cell(project, code: str, **env) -> subprocess.CompletedProcess:
    """Build a small book whose foreword ends with a cell of `code`, with extra environment variables."""
    small_book(project)
    append_cell(project, "foreword", nbformat.v4.new_code_cell(code))
    env = {**os.environ, "CSABOOK_ROOT": str(project.root), **env}
    return subprocess.run([sys.executable, "-m", "csabook", "build", "--year", "2022"], capture_output=True,
                          text=True, env=env, timeout=600)  # a hang guard


def test_a_cell_that_runs_too_long_names_the_edition_chapter_and_cell(project):
    result = build_with_cell(project, "import time\ntime.sleep(120)", CSABOOK_CELL_TIMEOUT="3")
    assert result.returncode == 1
    assert "2022/county: chapter 'foreword' failed in cell 5" in result.stderr, result.stderr
    assert "no result within 3 s (CSABOOK_CELL_TIMEOUT)" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_kernel_out_of_memory_names_the_data_file_it_was_rendering(project):
    result = build_with_cell(project, "grown = bytearray(8 * 1024 ** 3)", CSABOOK_KERNEL_MEMORY="3000")
    assert result.returncode == 1
    assert ("2022/county: chapter 'foreword' failed in cell 5 (rendering data/2022/county/foreword.yml): "
            "MemoryError") in result.stderr, result.stderr
    assert "the kernel's limit is 3000 MB" in result.stderr


@pytest.mark.parametrize("name, value", [("CSABOOK_CELL_TIMEOUT", "abc"), ("CSABOOK_KERNEL_MEMORY", "-5")])
def test_a_bad_limit_setting_is_one_line(project, name, value):
    env = {**os.environ, "CSABOOK_ROOT": str(project.root), name: value}
    result = subprocess.run([sys.executable, "-m", "csabook", "build", "--year", "2024"], capture_output=True,
                            text=True, env=env, timeout=300)  # a hang guard
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: {name}='{value}' is not a positive whole number"), result.stderr
