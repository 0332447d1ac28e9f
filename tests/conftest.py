import shutil
import subprocess
import sys

import pytest

from csabook.paths import PACKAGE_ROOT, get_project

ROOT = PACKAGE_ROOT


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


@pytest.fixture
def run_cli():
    """Run the real `csabook` command in a subprocess against a project folder."""

    def run(*args, root=None):
        env = None
        if root is not None:
            import os

            env = {**os.environ, "CSABOOK_ROOT": str(root)}
        return subprocess.run([sys.executable, "-m", "csabook", *args], capture_output=True, text=True, env=env)

    return run


@pytest.fixture(scope="session")
def site():
    """The published site of the default build (`make book` runs before the tests)."""
    site = ROOT / "_build" / "site"
    assert (site / "2022" / "county" / "index.html").is_file(), "the site is not built: run `make book` first"
    return site


def append_cell(project, chapter: str, cell) -> None:
    """Add `cell` at the end of a chapter template of a test project."""
    import nbformat

    path = project.notebooks / f"{chapter}.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(cell)
    nbformat.write(nb, path)
