"""Provenance: every page says, in a collapsed element, which data files it read (with their hashes), its
parameters, csabook's version and commit and the build date; each edition has the same on its provenance page (the
PDF's last appendix) and in provenance.json."""

import hashlib
import html
import json
import re

import pytest

from csabook import __version__
from tests import REPO
from csabook.pipeline.provenance import build_date

from .built import chapters_of

pytestmark = [pytest.mark.built, pytest.mark.usefixtures("site")]  # reads the built editions

EDITION = "2022/county"


def sha256(path: str) -> str:
    return hashlib.sha256((REPO / path).read_bytes()).hexdigest()


def note_of(site, page: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", (site / EDITION / f"{page}.html").read_text(encoding="utf-8")))
    text = re.sub(r"\s+", " ", text)
    start = text.rfind("About this page's data Data files read:")
    assert start >= 0, f"{page}.html has no provenance note"
    return text[start:]


@pytest.mark.parametrize("page", chapters_of(EDITION))
def test_every_page_ends_with_its_provenance(site, page):
    record = json.loads((site / EDITION / "provenance.json").read_text(encoding="utf-8"))
    files = record["pages"][page]["files"]
    assert files, f"{page} read no data file"
    note = note_of(site, page)
    for f in files:
        assert f["sha256"] == sha256(f["path"]), f["path"]
        assert f"{f['path']} (sha256 {f['sha256'][:12]} )" in note
    assert "Parameters: year 2022 , district county ." in note
    # collapsed: the hashes are inside the one <details> element, after its summary
    markup = (site / EDITION / f"{page}.html").read_text(encoding="utf-8")
    details = re.findall(r'<details class="csa-provenance">\s*<summary>About this page.s data</summary>(.*?)</details>',
                         markup, re.S)
    assert len(details) == 1 and files[0]["sha256"][:12] in details[0]
    assert files[0]["sha256"][:12] not in markup.replace(details[0], "")
    # a page unchanged since an earlier build keeps that build's note, and provenance.json says so
    commit, built = (record["pages"][page].get(k, record[k]) for k in ("commit", "built"))
    assert f"Built with csabook {__version__} (commit {commit} ) on {built}." in note


def test_provenance_json_covers_every_page_of_the_edition(site):
    record = json.loads((site / EDITION / "provenance.json").read_text(encoding="utf-8"))
    assert record["edition"] == EDITION and record["parameters"] == {"year": 2022, "district": "county"}
    assert sorted(record["pages"]) == sorted(chapters_of(EDITION))
    assert "data/2022/county/morile.csv" in [f["path"] for f in record["pages"]["appendix_b"]["files"]]
    # Ch.6 shows the priorities history, so it read the lists of the earlier years too.
    assert "data/2017/county/priority_list.yml" in [f["path"] for f in record["pages"]["priorities"]["files"]]


def test_the_build_date_comes_from_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1650000000")
    assert build_date() == "2022-04-15 05:20 UTC"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", build_date())


def test_the_provenance_page_lists_every_page_in_book_order(site):
    record = json.loads((site / EDITION / "provenance.json").read_text(encoding="utf-8"))
    text = html.unescape(re.sub(r"<[^>]+>", " ", (site / EDITION / "provenance.html").read_text(encoding="utf-8")))
    text = re.sub(r"\s+", " ", text)
    assert "Sources and provenance" in text
    at = [text.find(f"{f['path']} (sha256 {f['sha256'][:12]} )") for f in record["pages"]["appendix_b"]["files"]]
    assert all(i > 0 for i in at), "Appendix B's files, with their hashes"
    index = (site / EDITION / "index.html").read_text(encoding="utf-8")
    assert 'href="provenance.html"' in index  # the contents and every note link it
