"""The published 2022 county site: every chapter in the contents, and every source table as an HTML table."""

import html
import re
from html.parser import HTMLParser

import pytest

from tests import REPO

pytestmark = [pytest.mark.built, pytest.mark.usefixtures("site")]  # reads the built editions

CHAPTERS = ["version_control", "foreword", "introduction", "legislation", "landscape", "governance", "achievements",
            "priorities", "leads", "plans", "responsible_authorities", "appendix_a", "appendix_b", "appendix_c",
            "appendix_d", "appendix_e", "contact"]


class Tables(HTMLParser):
    """Collects every <table class="csa-table">: its header cells and rows of cell text."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell, self._row, self._in = [], None, None, False

    def handle_starttag(self, tag, attrs):
        if tag == "table" and "csa-table" in dict(attrs).get("class", ""):
            self.tables.append({"header": [], "rows": []})
            self._in = True
        elif self._in and tag == "tr":
            self._row = []
        elif self._in and tag in ("td", "th"):
            self._cell = [tag, ""]

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[1] += data

    def handle_endtag(self, tag):
        if not self._in:
            return
        if tag in ("td", "th") and self._cell:
            self._row.append(tuple(self._cell))
            self._cell = None
        elif tag == "tr":
            if all(kind == "th" for kind, _ in self._row):
                self.tables[-1]["header"] = [text for _, text in self._row]
            else:
                self.tables[-1]["rows"].append([text.strip() for _, text in self._row])
        elif tag == "table":
            self._in = False


def tables_of(site, page):
    parser = Tables()
    parser.feed((site / "2022" / "county" / f"{page}.html").read_text(encoding="utf-8"))
    return parser.tables


def test_index_links_the_edition(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="2022/county/index.html"' in index


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_contents_list_every_chapter(site, chapter):
    home = (site / "2022" / "county" / "index.html").read_text(encoding="utf-8")
    assert f'href="{chapter}.html"' in home
    assert (site / "2022" / "county" / f"{chapter}.html").is_file()


def title_and_h1(site, edition: str) -> tuple[str, str]:
    home = (site / edition / "index.html").read_text(encoding="utf-8")
    title = html.unescape(re.search(r"<title>(.*?)</title>", home, re.S).group(1))
    h1 = re.search(r'<article class="bd-article">.*?<h1>(.*?)<a class="headerlink"', home, re.S).group(1)
    return " ".join(title.split()), " ".join(html.unescape(re.sub(r"<[^>]+>", "", h1)).split())


def test_each_edition_says_what_it_is(site):
    title, h1 = title_and_h1(site, "2022/county")
    assert title.startswith("Kent Community Safety Agreement 2022") and h1 == "Kent Community Safety Agreement 2022"
    title, h1 = title_and_h1(site, "2024/county")  # the draft Action Plan 2024/25 alone
    assert title.endswith("Kent Community Safety Agreement Action Plan 2024/25 (draft)")
    assert h1 == "Kent Community Safety Agreement Action Plan 2024/25"
    home = (site / "2024" / "county" / "index.html").read_text(encoding="utf-8")
    assert "This edition is a draft: the action plan is marked DRAFT in its source." in html.unescape(home)
    assert "read each chapter and appendix" not in home


def test_appendix_a_table_and_chart(site):
    table, chart_data = tables_of(site, "appendix_a")  # the chart's data is one click away, in a table of its own
    assert table["header"] == ["Priority", "No. of CSPs Identifying these Issues"]
    assert [int(r[1]) for r in table["rows"]] == [12, 12, 11, 11, 10, 9, 7, 7, 7, 5, 5, 4, 4, 3]
    assert chart_data["header"] == ["Issue", "Number of CSPs identifying the issue (of 12)"]
    assert [int(r[1]) for r in chart_data["rows"]] == [int(r[1]) for r in table["rows"]]
    page = (site / "2022" / "county" / "appendix_a.html").read_text(encoding="utf-8")
    assert "Source: the published county table of the Community Safety Agreement." in page
    assert "of 12 district CSPs have supplied" not in page  # no return yet: nothing about returns for readers
    assert re.search(r'<svg role="img" aria-label="Bar chart of the number of CSPs', page)


def test_leads_plans_and_morile_tables(site):
    assert len(tables_of(site, "leads")[0]["rows"]) == 8
    assert len(tables_of(site, "plans")[0]["rows"]) == 17
    morile = tables_of(site, "appendix_b")[0]
    assert [r[1] for r in morile["rows"]] == [
        "Child Sexual Exploitation (CSE)", "PREVENT", "Modern Slavery", "Domestic Abuse", "Gangs",
        "Organised Crime Groups (OCGs)", "Mental Health", "Public Order", "Anti-Social Behaviour", "Violent Crime",
        "Cyber Crime", "Criminal Damage", "Hate Crime", "Road Safety"]


def test_figures_have_alt_text(site):
    for page in ("governance", "priorities", "appendix_a"):
        html = (site / "2022" / "county" / f"{page}.html").read_text(encoding="utf-8")
        svgs = re.findall(r"<svg [^>]*>", html)
        assert svgs, page
        assert all('role="img"' in s and 'aria-label="' in s for s in svgs), page


def test_pestelo_grid_has_seven_parts(site):
    html = (site / "2022" / "county" / "appendix_c.html").read_text(encoding="utf-8")
    assert html.count('class="csa-card"') == 7


def test_site_needs_no_network(site):
    for page in (site / "2022" / "county").glob("*.html"):
        html = page.read_text(encoding="utf-8")
        for ref in re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', html):
            assert not ref.startswith(("http:", "https:", "//")), f"{page.name} loads {ref}"


def test_book_holds_executed_notebooks():
    book = REPO / "book" / "2022" / "county"
    assert sorted(p.stem for p in book.glob("*.ipynb")) == sorted(CHAPTERS + ["index", "provenance"])


@pytest.mark.parametrize("page, text, target", [
    ("introduction", "version control (page 4)", "version_control.html"),
    ("appendix_d", "the diagram on p.20", "priorities.html#s6-10"),
    ("appendix_e", "page 20", "priorities.html#s6-10"),
    ("priorities", "Appendix E", "appendix_e.html"),
])
def test_cross_references_keep_their_words_and_link_their_target(site, page, text, target):
    markup = (site / "2022" / "county" / f"{page}.html").read_text(encoding="utf-8")
    assert re.search(rf'<a[^>]*href="{re.escape(target)}"[^>]*>{re.escape(text)}</a>', markup), (page, text)
