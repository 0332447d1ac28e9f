"""Fixtures. Two tiers: the unit tier (`pytest -m "not built"`) builds nothing and starts no kernel; tests marked
`built` need built editions (the `site` fixture builds the default ones once per session, or finds `make book`'s)
or run builds of their own."""

import io
import os
import shutil
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass

import pytest

from csabook import cli
from csabook.paths import get_project
from tests import REPO

# Fixtures that need built editions: a test using one is in the `built` tier.
BUILT_FIXTURES = {"site", "small_site", "built_small"}

ROOT = REPO


def ctrl_c_as_at_a_terminal() -> None:
    """A child's Ctrl-C as at a terminal (a `preexec_fn`): a test that sends SIGINT must not depend on how the test
    run itself was started (a shell starts background jobs with SIGINT ignored, and children inherit that)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def copy_project(root):
    """A writable copy of the project's sources (data, params, templates) in the folder `root`."""
    for name in ("data", "params", "notebooks"):
        shutil.copytree(ROOT / name, root / name)
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy2(ROOT / name, root / name)
    return get_project(root)


@pytest.fixture
def project(tmp_path):
    """A writable copy of the project's sources, for tests that change things."""
    return copy_project(tmp_path)


SMALL_TOC = {"format": "jb-book", "root": "index",
             "parts": [{"caption": "Test", "chapters": [{"file": "foreword"}, {"file": "plans"}, {"file": "contact"}]}]}


def small_book(project):
    """Cut the project's book to four pages (index, foreword, plans, contact): quick to build."""
    import yaml

    (project.root / "_toc.yml").write_text(yaml.safe_dump(SMALL_TOC), encoding="utf-8")


@pytest.fixture(scope="session")
def small_site(tmp_path_factory):
    """A small book of 2022/county, built and published once per session (with its cache, book and PDF)."""
    from csabook import api
    from csabook.pipeline.build import Progress

    project = copy_project(tmp_path_factory.mktemp("small") / "project")
    small_book(project)
    summary = api.build(2022, "county", project=project, progress=Progress(io.StringIO()))
    assert summary.ok and summary.built == ("2022/county",), summary
    return project


@pytest.fixture
def built_small(small_site, tmp_path):
    """A writable copy of the built small book: a project whose last build succeeded, to change and build again."""
    root = tmp_path / "project"
    shutil.copytree(small_site.root, root, symlinks=True)
    return get_project(root)


def pytest_collection_modifyitems(items):
    for item in items:
        if BUILT_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.built)


@dataclass(frozen=True)
class Ran:
    """What a `csabook` command did: its exit code and what it printed."""

    returncode: int
    stdout: str
    stderr: str


def run_csabook(*args, root=None) -> Ran:
    """Run `csabook ARGS` in this process (csabook.cli.main), against the project at `root` (default: the one
    --project names, else $CSABOOK_ROOT, else the one found from the working folder)."""
    out, err = io.StringIO(), io.StringIO()
    before = os.environ.get("CSABOOK_ROOT")
    if root is not None:
        os.environ["CSABOOK_ROOT"] = str(root)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = cli.main([str(a) for a in args])
            except SystemExit as exc:  # argparse: --help, --version, a usage error
                code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    finally:
        if root is not None:
            if before is None:
                os.environ.pop("CSABOOK_ROOT", None)
            else:
                os.environ["CSABOOK_ROOT"] = before
    return Ran(code, out.getvalue(), err.getvalue())


@pytest.fixture
def run_cli():
    """`csabook` in this process: run_cli(*args, root=None) -> Ran."""
    return run_csabook


@pytest.fixture
def run_process():
    """Run the real `csabook` command in a subprocess: for what only a process shows (exit codes, signals, locks)."""

    def run(*args, root=None, **kwargs):
        env = {**os.environ, "CSABOOK_ROOT": str(root)} if root is not None else None
        return subprocess.run([sys.executable, "-m", "csabook", *map(str, args)], capture_output=True, text=True,
                              env=env, **kwargs)

    return run


@pytest.fixture(scope="session")
def site():
    """The published site of the default editions (all years, county), built once per session; a site that
    `make book` already built from the same inputs is used as it is."""
    from csabook import api
    from csabook.pipeline.build import Progress

    summary = api.build("all", "county", project=ROOT, progress=Progress(io.StringIO()))
    assert summary.ok, [str(p) for p in summary.problems] + [f.report() for f in summary.failures]
    return ROOT / "_build" / "site"


def append_cell(project, chapter: str, cell) -> None:
    """Add `cell` at the end of a chapter template of a test project."""
    import nbformat

    path = project.notebooks / f"{chapter}.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(cell)
    nbformat.write(nb, path)
