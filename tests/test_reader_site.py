"""The reader's site in a real browser, page by page, for every built edition: offline, accessible, navigable,
searchable, with working downloads (screenshots of every page type: test_reader_layout.py)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

from tests import REPO

from . import built
from .browser import browser_session, is_loopback, serve, themed_page_problems
from .built import DEFAULT, EDITIONS, SITE

pytestmark = [pytest.mark.built, pytest.mark.usefixtures("site")]  # reads the built editions

SCREENSHOTS = REPO / "_build" / "screenshots"
SEARCH_TERMS = ["MoRiLE", "Operation Brock"]

PAGE_CHECKS = """() => {
    const problems = [];
    const named = el => (el.getAttribute('aria-label') || '').trim() || el.querySelector(':scope > title')?.textContent.trim();
    for (const img of document.querySelectorAll('img')) {
        const alt = img.getAttribute('alt');
        if (alt === null || (alt.trim() === '' && img.getAttribute('role') !== 'presentation')) problems.push('img without alt: ' + img.src);
    }
    for (const svg of document.querySelectorAll('svg')) {
        if (svg.closest('svg') !== svg) continue;
        const hidden = svg.getAttribute('aria-hidden') === 'true' || svg.closest('[aria-hidden="true"]');
        if (!hidden && !named(svg)) problems.push('svg without a title or aria-label: ' + svg.outerHTML.slice(0, 80));
    }
    for (const table of document.querySelectorAll('table')) {
        if (!table.querySelector('th')) problems.push('table without header cells: ' + (table.id || table.className));
    }
    for (const el of document.querySelectorAll('script[src], link[href], img[src], iframe[src], source[src]')) {
        const url = el.src || el.href;
        if (/^(https?:|\\/\\/)/.test(url) && !/^https?:\\/\\/(127\\.0\\.0\\.1|localhost)[:/]/.test(url)) problems.push('remote resource: ' + url);
    }
    if (window.MathJax || window.require || window.requirejs) problems.push('MathJax or require.js is loaded');
    return problems;
}"""


def pages_of(edition: str) -> list[str]:
    return sorted(p.name for p in (SITE / edition).glob("*.html"))


def chapters_of(edition: str) -> list[str]:
    """The edition's pages in reading order: its chapters, then its provenance page."""
    return [f"{name}.html" for name in built.chapters_of(edition)] + ["provenance.html"]


def page_name(url: str) -> str:
    return Path(urlparse(url).path).name


@pytest.fixture(scope="module")
def session(site):
    with serve(SITE) as base, browser_session() as (page, record):
        yield base, page, record


@pytest.fixture
def browser(session):
    """The module's browser, on a blank page with nothing recorded yet."""
    base, page, record = session
    page.goto("about:blank")
    page.emulate_media(color_scheme="light")
    record.clear()
    return session


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def test_default_editions_are_built(site):
    assert "2022/county" in DEFAULT
    for edition in DEFAULT:
        assert (site / edition / "index.html").is_file(), f"{edition} is a default edition but is not built"


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_page_loads_offline_and_passes_axe(browser, axe, edition):
    """No console error, no failed or off-loopback request, described images and figures, tables with header
    cells, and no serious or critical axe-core violation, in the light and the dark theme.

    Each page is loaded once, in one theme (light and dark in turn, so both are tried at load), checked, then
    switched to the other theme by the reader's setting alone, and checked again."""
    base, page, record = browser
    problems = []
    for i, name in enumerate(pages_of(edition)):
        problems += themed_page_problems(page, record, axe, f"{base}/{edition}/{name}", name,
                                         ("light", "dark") if i % 2 == 0 else ("dark", "light"))
        problems += [f"{name}: {p}" for p in page.evaluate(PAGE_CHECKS)]
    page.emulate_media(color_scheme="light")
    assert problems == [], "\n".join(problems)


def follow(page, link: str, limit: int) -> list[str]:
    """The pages visited by clicking `link` from the current page until it is gone (at most `limit` pages)."""
    visited = [page_name(page.url)]
    while page.locator(link).count():
        page.locator(link).first.click()
        page.wait_for_load_state("load")
        visited.append(page_name(page.url))
        assert len(visited) <= limit, visited
    return visited


@pytest.mark.parametrize("edition", EDITIONS)
def test_next_previous_and_contents_reach_every_chapter(browser, edition):
    base, page, record = browser
    order = chapters_of(edition)
    page.goto(f"{base}/{edition}/{order[0]}")
    contents = {page_name(urljoin(page.url, a.get_attribute("href")))
                for a in page.locator("nav.bd-docs-nav a.reference.internal").all()}
    assert contents >= set(order[1:]), f"missing from the contents: {set(order[1:]) - contents}"
    forward = follow(page, "a.right-next", len(order))
    assert forward == order
    backward = follow(page, "a.left-prev", len(order))
    assert backward == order[::-1]
    assert record.blocked == []


def page_text(edition: str, name: str) -> str:
    html = (SITE / edition / name).read_text(encoding="utf-8")
    article = re.search(r'<article class="bd-article">(.*?)</article>', html, re.S).group(1)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", article)).lower()


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("term", SEARCH_TERMS)
def test_search_finds_the_pages_that_mention_a_term(browser, edition, term):
    base, page, record = browser
    chapters = chapters_of(edition)
    mention = {n for n in chapters if term.lower() in page_text(edition, n)}
    page.goto(f"{base}/{edition}/search.html?q={term.replace(' ', '+')}")
    page.locator("#search-results p.search-summary").wait_for()
    found = {page_name(urljoin(page.url, a.get_attribute("href")))
             for a in page.locator("#search-results ul.search li a").all()}
    assert mention <= found, f"search for {term!r} misses {mention - found}"
    for name in found:
        assert all(word.lower() in page_text(edition, name) for word in term.split()), (term, name)
    if edition == "2022/county":
        assert mention, f"{term!r} should be in the 2022 edition"
    assert record.blocked == []


def read_csv(page, url: str) -> list[list[str]]:
    response = page.request.get(url)
    assert response.status == 200, url
    return list(csv.reader(io.StringIO(response.body().decode("utf-8"))))


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_table_has_a_working_csv_link(browser, edition):
    base, page, record = browser
    checked = 0
    for name in pages_of(edition):
        page.goto(f"{base}/{edition}/{name}")
        page.evaluate("document.querySelectorAll('main details').forEach(d => { d.open = true; })")  # as a click
        for table in page.locator("main table").all():
            assert "csa-table" in (table.get_attribute("class") or ""), f"{name}: a table not drawn by csabook"
            table_id = table.get_attribute("id")
            link = page.locator(f'a[data-csa-csv="{table_id}"]')
            assert link.count() == 1, f"{name}: table {table_id} has no Download CSV link"
            assert link.inner_text().startswith("Download CSV")
            rows = read_csv(page, urljoin(page.url, link.get_attribute("href")))
            header = [th.inner_text().strip() for th in table.locator("thead th").all()]
            # a grouped table says its grouped columns once per group, in a heading row; the CSV has them per row
            grouped = [c for c in (table.get_attribute("data-csa-grouped") or "").split("|") if c]
            assert [c for c in rows[0] if c not in grouped] == header, (name, table_id)
            assert set(grouped) <= set(rows[0])
            assert len(rows) - 1 == table.locator("tbody tr:not(.csa-group-row)").count(), (name, table_id)
            checked += 1
    assert checked > 0 or edition != "2022/county"
    assert record.blocked == [] and record.failed == []


def test_the_action_plan_downloads_as_one_spreadsheet(browser):
    from openpyxl import load_workbook

    base, page, record = browser
    edition = next((e for e in EDITIONS if (SITE / e / "action_plan.html").is_file()), "2024/county")
    page.goto(f"{base}/{edition}/action_plan.html")
    link = page.locator('a[href$=".xlsx"]')
    assert link.count() == 1
    response = page.request.get(urljoin(page.url, link.get_attribute("href")))
    assert response.status == 200
    book = load_workbook(io.BytesIO(response.body()), read_only=True)
    assert book.sheetnames == ["Actions", "Objectives", "About"]
    actions = list(book["Actions"].iter_rows(values_only=True))
    table = page.locator("table#table-all-actions-of-the-action-plan")
    assert len(actions) - 1 == table.locator("tbody tr:not(.csa-group-row)").count()
    assert list(actions[0]) == ["Action ID", "No.", "Priority", "Objective", "Actions", "Measures", "Timescale", "Due by",
                                "Lead agency"]
    objectives = list(book["Objectives"].iter_rows(values_only=True))
    assert len(objectives) - 1 == 32


def contrast(rgb1, rgb2) -> float:
    def luminance(rgb):
        c = [v / 255 for v in rgb]
        c = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    hi, lo = sorted((luminance(rgb1), luminance(rgb2)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


FIGURE_COLOURS = """() => [...document.querySelectorAll('.csa-figure svg[role="img"]')].map(svg => ({
    ground: getComputedStyle(svg).backgroundColor,
    inks: [...svg.querySelectorAll('text')].map(t => getComputedStyle(t).fill),
}))"""


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_figures_are_readable_in_both_themes(browser, mode):
    """Every chart keeps a white ground, and all its text has a contrast of at least 4.5:1 against it."""
    base, page, record = browser
    page.emulate_media(color_scheme=mode)
    try:
        seen = 0
        for name in ("governance", "priorities", "appendix_a"):
            page.goto(f"{base}/2022/county/{name}.html", wait_until="networkidle")
            for figure in page.evaluate(FIGURE_COLOURS):
                assert figure["ground"] == "rgb(255, 255, 255)", (name, mode, figure["ground"])
                for ink in set(figure["inks"]):
                    rgb = tuple(int(v) for v in re.findall(r"\d+", ink)[:3])
                    # Text drawn on a coloured box (white on purple) is checked against that box below.
                    if rgb != (255, 255, 255):
                        assert contrast(rgb, (255, 255, 255)) >= 4.5, (name, mode, ink)
                seen += 1
        assert seen >= 3
    finally:
        page.emulate_media(color_scheme="light")


def test_chart_box_colours_have_enough_contrast():
    from csabook.figures import charts

    def rgb(hex_colour):
        return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))

    assert contrast(rgb(charts.PURPLE), (255, 255, 255)) >= 4.5
    for fill in (charts.LIGHT_PURPLE, charts.LIGHT_GREY):
        assert contrast(rgb(fill), rgb(charts.INK)) >= 4.5


def test_loopback_rule():
    assert is_loopback("http://127.0.0.1:8000/x") and is_loopback("data:text/plain,x")
    assert not is_loopback("https://cdn.jsdelivr.net/npm/mathjax@3") and not is_loopback("http://10.0.0.1/")


def test_editions_index_links_every_edition_and_its_pdf(browser, axe):
    base, page, record = browser
    page.goto(f"{base}/index.html", wait_until="networkidle")
    hrefs = [a.get_attribute("href") for a in page.locator("main a").all()]
    for edition in EDITIONS:
        assert f"{edition}/index.html" in hrefs
        year, district = edition.split("/")
        pdf = f"{edition}/kent-csa-{year}-{district}.pdf"
        assert pdf in hrefs, f"the index does not link {pdf}"
        response = page.request.get(f"{base}/{pdf}")
        assert response.status == 200 and response.body()[:5] == b"%PDF-"
    assert record.problems() == []
    serious = [v["id"] for v in axe.run(page).response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []
