"""The execution cache: a data edit re-executes exactly the notebooks that read the file, and nothing else."""

import io
import json
import shutil

import nbformat
import pytest
import yaml

from csabook.pipeline.build import Progress, build_editions
from csabook.pipeline.cache import ExecutionCache, entry_key
from csabook.model.editions import select_editions
from csabook.paths import get_project

from .conftest import copy_project

pytestmark = pytest.mark.built  # runs builds or kernels of its own

CHAPTERS = ["foreword", "appendix_a", "appendix_b"]


def cut_book(project):
    toc = {"format": "jb-book", "root": "index",
           "parts": [{"caption": "Test", "chapters": [{"file": f} for f in CHAPTERS]}]}
    (project.root / "_toc.yml").write_text(yaml.safe_dump(toc), encoding="utf-8")
    return project


@pytest.fixture
def small(project):
    """A small book of 2022 county and Dover, never built."""
    return cut_book(project)


@pytest.fixture(scope="module")
def first_build(tmp_path_factory):
    """The small book built once for the module: (the project, the Summary of its first build)."""
    project = cut_book(copy_project(tmp_path_factory.mktemp("cache") / "project"))
    return project, build(project)


@pytest.fixture
def built(first_build, tmp_path):
    """A copy of the small book as its first build left it (site, book and cache)."""
    shutil.copytree(first_build[0].root, tmp_path / "project", symlinks=True)
    return get_project(tmp_path / "project")


def build(project, force=False):
    editions = select_editions(2022, "county", project) + select_editions(2022, "dover", project)
    # no PDF: what is tested is what executes, and which editions are built (the PDF is tested in test_pdf)
    return build_editions(editions, project, jobs=2, force=force, progress=Progress(io.StringIO()), pdf=False)


def every(chapters, districts=("county", "dover")):
    return sorted(f"2022/{d}/{c}" for d in districts for c in chapters)


def test_rebuild_with_no_change_executes_nothing_and_keeps_the_site(first_build, built):
    first, small = first_build[1], built
    assert list(first.executed_notebooks) == every(["index"] + CHAPTERS)
    assert sorted(first.built) == ["2022/county", "2022/dover"]
    published = (small.site / "2022" / "county").resolve()
    again = build(small)  # a copied project: its folders' times differ from those recorded, so it is checked whole
    assert again.executed == 0 and again.kernels == 0
    assert again.built == () and sorted(again.unchanged) == ["2022/county", "2022/dover"]
    again = build(small)
    # every recorded input stands as listed (csabook.pipeline.inputs): nothing is validated, looked up or run
    assert again.executed == 0 and again.kernels == 0 and again.cached == 0
    assert again.built == () and sorted(again.unchanged) == ["2022/county", "2022/dover"]
    assert (small.site / "2022" / "county").resolve() == published
    for record in (small.build / "inputs").glob("*.json"):
        record.unlink()  # without the records, the build goes through the cache, which serves every notebook
    again = build(small)
    assert again.executed == 0 and again.kernels == 0 and again.cached == 8
    assert again.built == () and sorted(again.unchanged) == ["2022/county", "2022/dover"]
    assert (small.site / "2022" / "county").resolve() == published


def test_a_data_edit_re_executes_exactly_the_notebooks_that_read_it(built):
    small = built
    morile = small.data / "2022" / "county" / "morile.csv"
    morile.write_text(morile.read_text(encoding="utf-8").replace("Child Sexual Exploitation (CSE)", "CSE edited"),
                      encoding="utf-8")
    result = build(small)
    assert list(result.executed_notebooks) == every(["appendix_b"])
    assert sorted(result.built) == ["2022/county", "2022/dover"]
    assert "CSE edited" in (small.site / "2022" / "dover" / "appendix_b.html").read_text(encoding="utf-8")


def test_a_new_overlay_file_re_executes_only_that_district(built):
    small = built
    overlay = small.data / "2022" / "districts" / "dover"
    overlay.mkdir(parents=True)
    foreword = yaml.safe_load((small.data / "2022" / "county" / "foreword.yml").read_text(encoding="utf-8"))
    foreword["source"] = {"document": "local"}
    foreword["paragraphs"] = ["A local foreword for a test."]
    (overlay / "foreword.yml").write_text(yaml.safe_dump(foreword), encoding="utf-8")
    result = build(small)
    # The front page lists local and county-wide sections, so it depends on the overlay too.
    assert list(result.executed_notebooks) == ["2022/dover/foreword", "2022/dover/index"]
    assert result.built == ("2022/dover",)


def test_a_template_edit_re_executes_that_chapter(built):
    small = built
    path = small.notebooks / "appendix_a.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("A note added to the template.", id="added-note"))
    nbformat.write(nb, path)
    assert list(build(small).executed_notebooks) == every(["appendix_a"])


def test_parameters_are_part_of_the_key(small):
    template = small.notebooks / "foreword.ipynb"
    county = entry_key(template, {"year": 2022, "district": "county"})
    assert county != entry_key(template, {"year": 2022, "district": "dover"})
    assert county != entry_key(template, {"year": 2024, "district": "county"})
    assert county == entry_key(template, {"year": 2022, "district": "county"})


def test_a_corrupt_entry_is_executed_again_not_trusted(built):
    small = built
    cache = ExecutionCache(small)
    county = select_editions(2022, "county", small)[0]
    key = entry_key(small.notebooks / "appendix_b.ipynb", county.parameters())
    notebook = cache.folder(key) / "notebook.ipynb"
    notebook.write_text(notebook.read_text(encoding="utf-8")[:200], encoding="utf-8")
    other = entry_key(small.notebooks / "foreword.ipynb", county.parameters())
    (cache.folder(other) / "entry.json").write_text("{not json", encoding="utf-8")
    assert cache.lookup(key).status == "corrupt" and cache.lookup(other).status == "corrupt"
    for record in (small.build / "inputs").glob("*.json"):
        record.unlink()  # the editions go through the build, which looks each notebook up in the cache
    result = build(small)
    assert list(result.executed_notebooks) == ["2022/county/appendix_b", "2022/county/foreword"]
    assert cache.lookup(key).status == "hit"
    assert json.loads((cache.folder(key) / "entry.json").read_text(encoding="utf-8"))["key"] == key


def test_force_executes_everything(built):
    small = built
    result = build(small, force=True)
    assert list(result.executed_notebooks) == every(["index"] + CHAPTERS)
    assert sorted(result.built) == ["2022/county", "2022/dover"]


def book_bytes(project):
    return {p.relative_to(project.book): p.read_bytes() for p in sorted(project.book.rglob("*.ipynb"))}


def test_output_does_not_depend_on_the_number_of_jobs(small, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1650000000")
    editions = select_editions(2022, "county", small) + select_editions(2022, "dover", small)
    build_editions(editions, small, jobs=1, force=True, progress=Progress(io.StringIO()), pdf=False)
    one = book_bytes(small)
    build_editions(editions, small, jobs=2, force=True, progress=Progress(io.StringIO()), pdf=False)
    assert book_bytes(small) == one and len(one) == 10  # four chapters and the provenance page, twice


def test_a_kernel_that_dies_is_replaced(small):
    from csabook.pipeline.build import KernelPool, Task, execute_with_retry
    from csabook.pipeline.cache import entry_key as key_of

    pool = KernelPool(small)
    try:
        kernel = pool.get()
        kernel.start()
        kernel.km.provisioner.process.kill()  # the kernel dies between two notebooks
        kernel.km.provisioner.process.wait()
        edition = select_editions(2022, "county", small)[0]
        template = small.notebooks / "foreword.ipynb"
        deps = execute_with_retry(Task(edition, template, key_of(template, edition.parameters())),
                                  small.staging / "foreword.ipynb", small, pool)
        assert "data/2022/county/foreword.yml" in deps
        assert pool.started() == 2
    finally:
        pool.stop()
