"""The PDF of each edition: title page, contents with the right page numbers, every chapter from a new page,
figures drawn, printed by Chromium with no network; and a failed print never touches the published site."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys

import pytest
from pypdf import PdfReader

from csabook.errors import BuildError
from tests import REPO
from csabook.model.editions import pdf_name
from csabook.pipeline.pdf import POLICY, find_chromium, print_document, read_edition

from .built import EDITIONS, SITE, chapters_of
from .test_safe_builds import build, snapshot


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def squash(text: str) -> str:
    """Text without white space, as PDF text extraction breaks lines (and hyphenated words) where it likes."""
    return re.sub(r"\s+", "", text)


def site_heading(edition: str, name: str) -> str:
    """A chapter's heading as the site shows it (its <h1>, without the permalink sign)."""
    page = (SITE / edition / f"{name}.html").read_text(encoding="utf-8")
    h1 = re.search(r'<article class="bd-article">.*?<h1>(.*?)<a class="headerlink"', page, re.S).group(1)
    return flat(html.unescape(re.sub(r"<[^>]+>", "", h1)))


@pytest.fixture(scope="module", params=EDITIONS)
def printed(request, site):
    edition = request.param
    year, district = edition.split("/")
    path = SITE / edition / pdf_name(year, district)
    assert path.is_file(), f"{edition} has no PDF at {path}"
    reader = PdfReader(str(path))
    return edition, reader, [flat(p.extract_text()) for p in reader.pages]


def test_every_chapter_starts_a_page_in_book_order(printed):
    edition, reader, texts = printed
    chapters = chapters_of(edition)[1:]
    assert len(reader.pages) >= len(chapters) + 2
    starts = {name.lstrip("/"): reader.get_destination_page_number(dest)
              for name, dest in reader.named_destinations.items()}
    pages = [starts[f"chapter-{c}"] for c in chapters]
    assert pages[0] >= 2, "the title page and the contents come first"
    assert pages == sorted(set(pages)), "each chapter has its own pages, in book order"
    for name, page in zip(chapters, pages):
        heading = site_heading(edition, name)
        assert squash(heading) in squash(texts[page])[:300], (name, texts[page][:300])


def test_text_has_every_chapter_heading_and_the_contents_page_numbers(printed):
    edition, reader, texts = printed
    whole = squash(" ".join(texts))
    contents = next(t for t in texts[:4] if t.startswith("Contents") or " Contents " in t[:40])
    starts = {name.lstrip("/"): reader.get_destination_page_number(dest) + 1
              for name, dest in reader.named_destinations.items()}
    for name in chapters_of(edition)[1:]:
        heading = site_heading(edition, name)
        assert squash(heading) in whole, heading
        entry = r"\s*".join(map(re.escape, squash(heading))) + rf"\s+{starts[f'chapter-{name}']}(?!\d)"
        assert re.search(entry, contents), (heading, contents)


def test_title_page_names_the_edition(printed):
    edition, reader, texts = printed
    year = edition.split("/")[0]
    assert "Kent Community Safety Agreement" in texts[0] and year in texts[0]
    assert reader.metadata.title.startswith("Kent Community Safety Agreement")


def test_figures_are_drawn_and_links_never_point_into_the_build(printed):
    edition, reader, texts = printed
    if edition == "2022/county":
        # The chart's axis label exists only inside the SVG figure.
        assert "Number of CSPs identifying the issue (of 12)" in " ".join(texts)
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            uri = annot.get_object().get("/A", {}).get("/URI", "")
            assert not str(uri).startswith("file:"), uri


def test_print_document_can_fetch_nothing(site):
    config, root, parts = read_edition(REPO / "book" / "2022" / "county")
    document = print_document(config, root, parts)
    assert f'content="{POLICY}"' in document and "default-src 'none'" in POLICY
    assert not re.search(r"<(script|link|img|iframe)\b", document)
    assert not re.search(r'\ssrc="(https?:)?//', document)


def test_pdf_is_printed_inside_a_network_namespace_with_no_network(site, tmp_path):
    # as a build prints: through one Chromium driven over its DevTools pipe
    code = ("import socket, sys; from pathlib import Path; from csabook.pipeline.pdf import Chromium, build_pdf;"
            "assert [n for _, n in socket.if_nameindex()] == ['lo'], socket.if_nameindex();"
            "session = Chromium();"
            f"build_pdf(Path({str(REPO / 'book' / '2022' / 'county')!r}), Path({str(tmp_path)!r}), 'x.pdf', "
            "session=session); session.close()")
    result = subprocess.run(["unshare", "--net", sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert len(PdfReader(str(tmp_path / "x.pdf")).pages) >= 20


def test_missing_chromium_says_how_to_install_it(monkeypatch):
    monkeypatch.setenv("CSABOOK_CHROMIUM", "/nonexistent/chromium")
    with pytest.raises(BuildError) as info:
        find_chromium()
    assert "apt-get install chromium" in info.value.report()


@pytest.mark.built
def test_a_failed_print_leaves_the_published_site_unchanged(built_small, tmp_path):
    project = built_small
    site = project.site / "2022" / "county"
    assert (site / pdf_name(2022, "county")).is_file()
    before = snapshot(project.site)
    broken = tmp_path / "chromium"
    broken.write_text("#!/bin/sh\necho 'cannot print here' >&2\nexit 3\n")
    broken.chmod(0o755)
    os.environ["CSABOOK_CHROMIUM"] = str(broken)
    try:
        result = build(project, "--force")  # without it the unchanged edition is kept and nothing is printed
    finally:
        del os.environ["CSABOOK_CHROMIUM"]
    assert result.returncode != 0
    assert "Chromium failed" in result.stderr and "cannot print here" in result.stderr, result.stderr
    assert snapshot(project.site) == before


def test_a_printed_pdf_is_dated_in_place_and_any_other_is_rewritten(site, tmp_path):
    import datetime

    from pypdf import PdfWriter

    from csabook.pipeline.pdf import date_pdf

    moment = datetime.datetime(2022, 4, 15, 9, 30, 0, tzinfo=datetime.timezone.utc)
    printed = REPO / "_build" / "cache" / "pdf" / "2022-county.pdf"  # Chromium's print, kept by the build
    assert b"/CreationDate (D:" in printed.read_bytes()[:4096]
    dated = tmp_path / "dated.pdf"
    date_pdf(printed, dated, moment)
    reader = PdfReader(str(dated))
    assert reader.metadata["/CreationDate"] == reader.metadata["/ModDate"] == "D:20220415093000+00'00'"
    assert dated.stat().st_size == printed.stat().st_size and len(reader.pages) == len(PdfReader(str(printed)).pages)

    other = tmp_path / "other.pdf"  # no dates where Chromium writes them: rewritten whole
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    with open(other, "wb") as out:
        writer.write(out)
    date_pdf(other, dated, moment)
    assert PdfReader(str(dated)).metadata["/ModDate"] == "D:20220415093000+00'00'"


def test_provenance_is_one_block_of_pages_at_the_end(printed):
    edition, reader, texts = printed
    assert not any("About this page's data" in t or "Data files read" in t for t in texts), "no note after a chapter"
    starts = {name.lstrip("/"): reader.get_destination_page_number(dest)
              for name, dest in reader.named_destinations.items()}
    first = starts["chapter-provenance"]
    assert first == max(starts.values()), "the provenance appendix comes last"
    block = [i for i, t in enumerate(texts) if re.search(r"\(sha256 [0-9a-f]{12}\)", t)]
    assert block == list(range(first, len(texts))), "consecutive pages, from the appendix's first to the last"


def test_the_action_plan_chapters_are_printed_landscape(printed):
    edition, reader, texts = printed
    starts = {name.lstrip("/"): reader.get_destination_page_number(dest)
              for name, dest in reader.named_destinations.items()}
    order = sorted(starts.values())
    for name, first in starts.items():
        last = next((p for p in order if p > first), len(reader.pages)) - 1
        box = reader.pages[first].mediabox
        wide = float(box.width) > float(box.height)
        assert wide == (name in ("chapter-action_plan", "chapter-action_plan_objectives", "chapter-progress")), name
        assert all((float(p.mediabox.width) > float(p.mediabox.height)) == wide
                   for p in reader.pages[first:last + 1]), name


def test_cross_references_link_their_target_in_the_pdf(printed):
    edition, reader, texts = printed
    if edition != "2022/county":
        return
    starts = {name.lstrip("/"): reader.get_destination_page_number(dest)
              for name, dest in reader.named_destinations.items()}
    intro = starts["chapter-introduction"]
    dests = [str(a.get_object().get("/Dest", "")) for a in reader.pages[intro].get("/Annots") or []]
    assert "see version control (page 4)" in texts[intro]  # the published wording, verbatim
    assert any("chapter-version_control" in d for d in dests), dests


def test_every_chapter_has_a_bookmark(printed):
    edition, reader, texts = printed

    def titles(items):
        for item in items:
            if isinstance(item, list):
                yield from titles(item)
            else:
                yield flat(item.title)

    bookmarks = set(titles(reader.outline))
    for name in chapters_of(edition)[1:]:
        assert site_heading(edition, name) in bookmarks, (name, sorted(bookmarks)[:20])
