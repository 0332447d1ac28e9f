"""Incremental site builds: after a one-file edit Sphinx reads again only the page that shows the file, the only
published page whose bytes change is that one, and the site is the same as a --force build of the same inputs
(build dates masked). A doubtful kept environment is thrown away; each PDF is printed once, and reused when its
document is unchanged."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from csabook.model.editions import pdf_name
from tests import REPO
from tests.conftest import copy_project, run_csabook, small_book

pytestmark = pytest.mark.built  # runs builds of its own

DATE = re.compile(rb"\d{4}-\d\d-\d\d \d\d:\d\d UTC")
EDITION = Path("2022") / "county"


def build(project, *extra):
    result = run_csabook("--project", project.root, "build", "--year", "2022", *extra)
    assert result.returncode == 0, result.stderr
    return result


def digests(folder: Path, mask: bool = False) -> dict[str, str]:
    """Each file's sha256 (with `mask`, build dates and the build stamp left out)."""
    found = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        data = path.read_bytes()
        if mask:
            if name == ".csabook-build.json":
                continue
            if name == "provenance.json":
                record = json.loads(data)
                record.pop("built"), record.pop("commit")
                for page in record["pages"].values():
                    page.pop("built", None), page.pop("commit", None)
                data = json.dumps(record, sort_keys=True).encode()
            data = DATE.sub(b"<date>", data)
        found[name] = hashlib.sha256(data).hexdigest()
    return found


def mtimes(folder: Path, pattern: str) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.glob(pattern)}


@pytest.fixture
def project(tmp_path):
    project = copy_project(tmp_path)
    small_book(project)  # index, foreword, plans, contact
    build(project, "--no-pdf")
    return project


def test_a_one_file_edit_reads_and_changes_only_its_page_and_equals_a_forced_build(project):
    kept = project.sphinx / "2022-county" / "_build"
    doctrees, pages = mtimes(kept / ".doctrees", "*.doctree"), mtimes(kept / "html", "*.html")
    before = digests(project.site / EDITION)
    inodes = {p.name: p.stat().st_ino for p in (project.site / EDITION).glob("*.html")}
    plans = project.data / "2022" / "county" / "plans.csv"
    plans.write_text(plans.read_text(encoding="utf-8").replace("Plan", "Plan (edited)", 1), encoding="utf-8")

    build(project, "--no-pdf")
    reread = {name for name, t in mtimes(kept / ".doctrees", "*.doctree").items() if doctrees.get(name) != t}
    assert reread == {"plans.doctree", "provenance.doctree"}  # the provenance page lists the file's new hash
    written = {name for name, t in mtimes(kept / "html", "*.html").items() if pages.get(name) != t}
    # Sphinx also writes the root page whose contents list the page, and its own index and search pages
    assert {"plans.html", "provenance.html"} <= written <= {"plans.html", "provenance.html", "index.html",
                                                           "genindex.html", "search.html"}
    after = digests(project.site / EDITION)
    changed = {name for name in after if name.endswith(".html") and after[name] != before.get(name)}
    assert changed == {"plans.html", "provenance.html"}
    # the new version shares the files it did not change with the one it replaced, and copies the others
    relinked = {p.name for p in (project.site / EDITION).glob("*.html") if inodes.get(p.name) == p.stat().st_ino}
    assert relinked == {name for name in inodes if name not in written}

    incremental = digests(project.site / EDITION, mask=True)
    build(project, "--no-pdf", "--force")
    assert digests(project.site / EDITION, mask=True) == incremental


def test_a_doubtful_kept_environment_is_thrown_away(project):
    state = project.sphinx / "2022-county.json"
    record = json.loads(state.read_text(encoding="utf-8"))
    assert record["ok"] is True
    state.write_text(json.dumps({**record, "ok": False}), encoding="utf-8")  # as a build killed in Jupyter Book
    stale = project.sphinx / "2022-county" / "_build" / ".doctrees" / "stale.marker"
    stale.write_text("left by a killed build", encoding="utf-8")
    contact = project.data / "2022" / "county" / "contact.yml"
    contact.write_text(re.sub(r"^note: .*$", 'note: "Edited."', contact.read_text(encoding="utf-8"), flags=re.M),
                       encoding="utf-8")
    build(project, "--no-pdf")
    assert not stale.exists() and json.loads(state.read_text(encoding="utf-8"))["ok"] is True
    assert "Edited." in (project.site / EDITION / "contact.html").read_text(encoding="utf-8")


def test_each_pdf_is_printed_once_and_reused_while_its_document_is_unchanged(project):
    from pypdf import PdfReader

    from csabook.model.editions import select_editions
    from csabook.pipeline import pdf as printing
    from csabook.pipeline.build import Progress, build_editions

    made = []
    real = printing.Chromium.print

    def counted(self, document, output):
        made.append(document)
        return real(self, document, output)

    editions = select_editions(2022, "county", project)
    quiet = Progress(open("/dev/null", "w"))

    def prints(**options) -> int:
        before = len(made)
        summary = build_editions(editions, project, progress=quiet, **options)
        assert summary.ok, summary.failures
        return len(made) - before

    foreword = project.data / "2022" / "county" / "foreword.yml"
    printing.Chromium.print = counted
    try:
        assert prints() == 2  # the first print tells the page numbers, the second prints them in the contents
        foreword.write_text(foreword.read_text(encoding="utf-8").replace("the latest refresh", "the newest refresh", 1),
                            encoding="utf-8")
        assert prints() == 1  # changed text, the same page numbers: one print
        printed = (project.site / EDITION / pdf_name(2022, "county")).read_bytes()
        assert prints(pdf=False) == 0 and not (project.site / EDITION / pdf_name(2022, "county")).exists()
        assert prints() == 0  # the site changed (its footer links the PDF again), the printed document did not
        assert prints(force=True) == 2  # --force prints afresh
    finally:
        printing.Chromium.print = real
    again = project.site / EDITION / pdf_name(2022, "county")
    assert "the newest refresh" in " ".join(" ".join(page.extract_text().split()) for page in PdfReader(again).pages)
    assert len(PdfReader(again).pages) == len(PdfReader(__import__("io").BytesIO(printed)).pages)


def test_editions_whose_inputs_stand_are_kept_from_a_listing_alone(tmp_path, monkeypatch):
    from csabook.model.editions import select_editions
    from csabook.pipeline.build import Progress, build_editions
    from csabook.validation import selection

    project = copy_project(tmp_path)
    small_book(project)
    example = REPO / "examples" / "examplebury"
    with open(project.data / "register.yml", "a", encoding="utf-8") as register:  # the fictional district
        register.write((example / "register-entry.yml").read_text(encoding="utf-8"))
    assert run_csabook("--project", project.root, "params", "--year", "2022").returncode == 0
    editions = select_editions(2022, "county", project) + select_editions(2022, "examplebury", project)
    quiet = Progress(open("/dev/null", "w"))
    assert build_editions(editions, project, progress=quiet, pdf=False).ok
    checked = []
    real = selection.validate_edition
    monkeypatch.setattr(selection, "validate_edition", lambda *a, **k: checked.append(a[:2]) or real(*a, **k))

    from csabook.pipeline.inputs import Inputs

    opened = []
    record = Inputs._recorded_inputs_stand
    monkeypatch.setattr(Inputs, "_recorded_inputs_stand", lambda self, e, *a: opened.append(e.key) or record(self, e, *a))
    again = build_editions(editions, project, progress=quiet, pdf=False)
    assert sorted(again.unchanged) == ["2022/county", "2022/examplebury"] and checked == []  # nothing validated
    assert opened == []  # nor any edition's record read: the whole listing is the one they were built under

    (project.data / "2022" / "county" / "contact.yml").touch()  # one file's listing changes: each record is read
    assert sorted(build_editions(editions, project, progress=quiet, pdf=False).unchanged) == ["2022/county",
                                                                                            "2022/examplebury"]
    assert sorted(opened) == ["2022/county", "2022/examplebury"]
    opened.clear()
    assert len(build_editions(editions, project, progress=quiet, pdf=False).unchanged) == 2 and opened == []

    stray = project.data / "2022" / "county" / "notes.yml"
    stray.write_text("title: a file no chapter reads\n", encoding="utf-8")
    refused = build_editions(editions, project, progress=quiet, pdf=False)  # a new file in a layer is seen
    assert [p.message for p in refused.problems] == ["unknown data file"]
    stray.unlink()

    overlay = project.data / "2022" / "districts" / "examplebury"
    overlay.mkdir(parents=True)  # a new overlay folder: the county's checks list data/2022/districts/ too
    foreword = overlay / "foreword.yml"
    foreword.write_text((example / "data" / "2022" / "districts" / "examplebury" / "foreword.yml")
                        .read_text(encoding="utf-8"), encoding="utf-8")
    assert build_editions(editions, project, progress=quiet, pdf=False).built == ("2022/examplebury",)
    checked.clear()
    foreword.write_text(foreword.read_text(encoding="utf-8").replace("Examplebury", "Examplebury (edited)", 1),
                        encoding="utf-8")
    local = build_editions(editions, project, progress=quiet, pdf=False)
    assert local.built == ("2022/examplebury",) and local.unchanged == ("2022/county",)
    assert checked == [(2022, "examplebury")]  # the county edition was kept without being validated again


def test_a_worker_builds_again_only_the_pages_that_changed(built_small):
    """A Jupyter Book worker builds many editions, or one edition many times (preview): its second build of an
    edition must be as incremental as its first, which needs the same configuration each time."""
    import nbformat

    from csabook.pipeline.assemble import JupyterBookPool

    project = built_small
    book, kept = project.book / str(EDITION), project.sphinx / "2022-county"
    foreword = book / "foreword.ipynb"
    with JupyterBookPool(1) as books:
        books.build(book, kept, project, fresh=False)  # the worker's first build (the copy moved the sources)
        pages = mtimes(kept / "_build" / "html", "*.html")
        notebook = nbformat.read(foreword, as_version=4)
        cell = next(c for c in notebook.cells if c.cell_type == "markdown")
        cell.source += "\n\nEdited in the second build."
        nbformat.write(notebook, foreword)
        html = books.build(book, kept, project, fresh=False)
    written = {name for name, t in mtimes(html, "*.html").items() if pages.get(name) != t}
    assert "Edited in the second build." in (html / "foreword.html").read_text(encoding="utf-8")
    assert "foreword.html" in written <= {"foreword.html", "index.html", "genindex.html", "search.html"}
