"""The library: the public API and its README example, project discovery, the read log and the cache keys."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys

import nbformat
import pytest

import csabook
from csabook import api
from csabook.errors import CsabookError, SelectionError
from csabook.model import reads
from csabook.model.editions import Edition
from csabook.model.loader import EditionData
from csabook.paths import get_project
from csabook.pipeline import cache as cache_module
from csabook.pipeline.build import Progress, edition_fingerprint
from csabook.pipeline.cache import ExecutionCache, entry_key
from csabook.pipeline.execute import WarmKernel, execute_chapter
from tests import REPO

from .conftest import copy_project

README = (REPO / "README.md").read_text(encoding="utf-8")


def api_example() -> str:
    section = README.split("## The Python API", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```python\n(.*?)```", section, flags=re.S).group(1)


# The API


@pytest.mark.built
def test_the_readme_api_example_runs_as_written(tmp_path):
    project = copy_project(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "CSABOOK_ROOT"}
    result = subprocess.run([sys.executable, "-c", api_example()], cwd=project.root, env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "True ('2022/county',)"
    assert lines[1].startswith("Notebooks: ") and lines[2].startswith("Editions: 1 built")
    assert lines[-1] == "Changes from 2021 to 2022 (county)"
    built = project.site / "2022" / "county"
    assert (built / "index.html").is_file()
    assert not list(built.glob("*.pdf")), "pdf=False printed a PDF"
    for page in built.glob("*.html"):
        assert "kent-csa-2022-county.pdf" not in page.read_text(encoding="utf-8"), f"{page.name} links no PDF"


def test_the_api_is_what_the_package_offers():
    for name in ("build", "validate", "check", "diff", "new_year", "editions", "Summary", "Problem"):
        assert getattr(csabook, name) is getattr(api, name)
    with pytest.raises(AttributeError):
        csabook.no_such_thing  # noqa: B018


def test_validate_returns_problems_as_records(project):
    assert csabook.validate(year=2022, project=project.root) == []
    (project.data / "2022" / "county" / "contact.yml").write_text("title: [unclosed\n", encoding="utf-8")
    problems = csabook.validate(year=2022, project=project.root)
    assert [p.file for p in problems] == ["data/2022/county/contact.yml"]
    assert "invalid YAML" in str(problems[0])


def test_a_build_with_data_problems_returns_them_and_runs_nothing(project):
    (project.data / "2022" / "county" / "contact.yml").write_text("title: [unclosed\n", encoding="utf-8")
    summary = csabook.build(year=2022, project=project, progress=Progress(io.StringIO()))
    assert not summary.ok and summary.executed == 0 and summary.built == ()
    assert [p.file for p in summary.problems] == ["data/2022/county/contact.yml"]
    with pytest.raises(Exception):
        summary.built = ("changed",)  # a frozen record
    assert not project.site.exists() and not (project.book / "2022").exists()


def test_a_request_that_cannot_start_raises(project):
    with pytest.raises(SelectionError):
        csabook.build(year=1999, project=project)
    with pytest.raises(CsabookError, match="never overwrites"):
        csabook.new_year(2022, project=project)


def test_new_year_and_diff_return_frozen_records(project):
    scaffold = csabook.new_year(2025, project=project)
    assert scaffold.year == 2025 and "data/2025/county/review.yml" not in scaffold.copied
    assert "Checklist:" in scaffold.text()
    changes = csabook.diff(2022, 2025, project=project)
    assert changes.text().startswith("Changes from 2022 to 2025 (county)")
    with pytest.raises(Exception):
        scaffold.year = 2026


# Finding the project


def test_the_project_is_found_from_any_folder_inside_it(project, run_cli, monkeypatch):
    monkeypatch.delenv("CSABOOK_ROOT", raising=False)
    monkeypatch.chdir(project.data / "2022" / "county")
    assert get_project().root == project.root
    result = run_cli("validate", "--year", "2022")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: 1 edition(s) valid: 2022/county")


def test_outside_a_project_the_error_says_how_to_name_one(tmp_path, run_cli, monkeypatch):
    monkeypatch.delenv("CSABOOK_ROOT", raising=False)
    monkeypatch.chdir(tmp_path)
    result = run_cli("validate")
    assert result.returncode == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"error: no csabook project here: neither {tmp_path} nor a folder above it holds "
                            "_config.yml, data/, params/")
    assert "--project DIR" in result.stderr


def test_project_option_and_environment_override_the_working_folder(project, tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CSABOOK_ROOT", raising=False)
    assert run_cli("--project", project.root, "validate", "--year", "2022").returncode == 0
    monkeypatch.setenv("CSABOOK_ROOT", str(project.root))
    assert run_cli("validate", "--year", "2022").returncode == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_cli("--project", empty, "validate")
    assert result.returncode == 1 and f"the project folder {empty} has no _config.yml, data/, params/" in \
        result.stderr


@pytest.mark.built
def test_a_non_editable_install_runs_inside_a_project(tmp_path):
    """`pip install .` (not editable): the package knows nothing of this checkout, and finds the project it is run
    in. It validates and builds there, its static files included."""
    source, target = tmp_path / "source", tmp_path / "site-packages"
    shutil.copytree(REPO / "csabook", source / "csabook", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target),
                    str(source)], check=True, capture_output=True, timeout=600)
    assert (target / "csabook" / "static" / "csabook.css").is_file()
    assert (target / "csabook" / "pipeline" / "pdf.css").is_file()
    project = copy_project(tmp_path / "project")
    env = {**{k: v for k, v in os.environ.items() if k != "CSABOOK_ROOT"}, "PYTHONPATH": str(target)}
    where = subprocess.run([sys.executable, "-c", "import csabook; print(csabook.__file__)"], cwd=project.root,
                           env=env, capture_output=True, text=True, check=True)
    assert where.stdout.strip() == str(target / "csabook" / "__init__.py")
    result = subprocess.run([sys.executable, "-m", "csabook", "build", "--year", "2022", "--no-pdf"],
                            cwd=project.data / "2022", env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert (project.site / "2022" / "county" / "index.html").is_file()


# The read log


def test_record_reads_collects_what_a_block_reads_and_only_there(project):
    with reads.record_reads() as outer:
        data = EditionData(2022, "county", project)
        data.get("foreword")
        with reads.record_reads() as inner:
            data.has("morile_table")
            data.get("contact")
    assert set(inner.seen) == {"data/2022/county/morile.csv", "data/2022/county/contact.yml"}
    assert inner.seen["data/2022/county/morile.csv"] == "present"
    assert outer.files_read() == ["data/2022/county/contact.yml", "data/2022/county/foreword.yml"]
    EditionData(2022, "county", project).get("plans_table")  # outside any block: recorded nowhere
    assert "data/2022/county/plans.csv" not in outer.seen


# Each way a chapter can read data, and the edit that must invalidate its cache entry.
WAYS = {
    "get": ("csa.get('morile_table')", "data/2022/county/morile.csv"),
    "attribute": ("csa.foreword.title", "data/2022/county/foreword.yml"),
    "table": ("csa.table('plans_table')", "data/2022/county/plans.csv"),
    "has": ("csa.has('achievements')", "data/2022/districts/dover/achievements.yml"),
    "years": ("csabook.model.loader.available_years()", "data"),  # the listing of data/
    "register": ("csabook.model.districts.load_register().districts[0].name", "data/register.yml"),
    "earlier year": ("csabook.model.loader.reference_priorities(csabook.open_edition(2024))",
                     "data/2022/county/priorities.yml"),
}


@pytest.fixture(scope="module")
def kernel_project(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("reads"))
    kernel = WarmKernel(project)
    yield project, kernel
    kernel.stop()


def edit(project, path: str) -> None:
    target = project.root / path
    if path == "data":
        (target / "2030").mkdir()
    elif path.endswith("achievements.yml"):
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text((project.data / "2022" / "county" / "achievements.yml").read_text(encoding="utf-8"),
                          encoding="utf-8")
    else:
        target.write_text(target.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")


@pytest.mark.built
@pytest.mark.parametrize("way", WAYS)
def test_a_chapter_reading_data_in_any_supported_way_is_invalidated_by_an_edit(kernel_project, way, tmp_path):
    project, kernel = kernel_project
    code, path = WAYS[way]
    template = project.notebooks / f"probe_{way.replace(' ', '_')}.ipynb"
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"display_name": "Python 3", "language": "python",
                                                           "name": "python3"}})
    nb.cells = [nbformat.v4.new_code_cell('year = 2022\ndistrict = "dover"', metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(f"import csabook, csabook.model.loader, csabook.model.districts\n"
                                          f"csa = csabook.open_edition(year, district)\n{code}")]
    nbformat.write(nb, template)
    edition = Edition(2022, "dover")
    found = execute_chapter(template, edition, tmp_path / "out.ipynb", project, kernel)
    assert path in found, f"{way}: the read log missed {path}: {sorted(found)}"
    cache = ExecutionCache(project)
    key = entry_key(template, edition.parameters())
    cache.store(key, tmp_path / "out.ipynb", found)
    assert cache.lookup(key).status == "hit"
    edit(project, path)
    assert cache.lookup(key).status == "stale", f"{way}: editing {path} left the cache entry valid"


def test_the_kernel_side_log_starts_empty_for_each_chapter(project):
    reads.start_chapter()
    EditionData(2022, "county", project).get("foreword")
    assert list(json.loads(json.dumps(reads.chapter_reads()))) == ["data/2022/county/foreword.yml"]
    reads.start_chapter()
    assert reads.chapter_reads() == {}


# The environment in the keys


def test_cache_keys_and_edition_stamps_cover_the_libraries_that_shape_output(project, monkeypatch):
    template = project.notebooks / "foreword.ipynb"
    key = entry_key(template, {"year": 2022, "district": "county"})
    from csabook.model.identity import Identity

    files, identity = {"_toc.yml": "x"}, Identity("agreement", "n", "t", "h", "p", "s", "Published", "")
    stamp = edition_fingerprint([], files, identity)
    changed = {**cache_module.environment(), "matplotlib": "0.0-other"}
    monkeypatch.setattr(cache_module, "environment", lambda: changed)
    monkeypatch.setattr("csabook.pipeline.build.environment", lambda: changed)
    assert entry_key(template, {"year": 2022, "district": "county"}) != key
    assert edition_fingerprint([], files, identity) != stamp
