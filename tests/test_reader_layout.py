"""Every page of every built edition as a reader sees it on a phone and a desktop: it reflows at 320 CSS px (only a
wide table or figure scrolls, in its own box), no text is clipped, chart text is at least 11 CSS px, and build
details stay inside the closed provenance element. A district edition with a local overlay (the FICTIONAL
Examplebury) is built and checked too, with axe in both themes. Screenshots of each page type, at 390 and 1400 px
in the light and dark themes, are kept under _build/screenshots/."""

from __future__ import annotations

import io

import pytest

from tests import REPO

from .browser import browser_session, serve, themed_page_problems
from .built import EDITIONS, SITE
from .conftest import copy_project
from .layout import LAYOUT_CHECK

pytestmark = [pytest.mark.built, pytest.mark.usefixtures("site")]

WIDTHS = (320, 390, 768, 1400)
MIN_CHART_PX = 11
SCREENSHOTS = REPO / "_build" / "screenshots"
DISTRICT = "2022/examplebury"


@pytest.fixture(scope="module")
def district_site(tmp_path_factory):
    """The FICTIONAL Examplebury edition of 2022 (local foreword, priorities and strategic assessment), every
    chapter, built without its PDF into a copy of the project; returns its site folder."""
    from csabook.model.editions import select_editions
    from csabook.pipeline.build import Progress, build_editions

    from .test_districts import add_example

    project = copy_project(tmp_path_factory.mktemp("district"))
    add_example(project)
    summary = build_editions(select_editions(2022, "examplebury", project), project, pdf=False,
                             progress=Progress(io.StringIO()))
    assert summary.ok, summary.lines()
    return project.site


def pages(site, edition: str) -> list[str]:
    return sorted(p.name for p in (site / edition).glob("*.html"))


def check_layout(site, edition: str) -> list[str]:
    problems = []
    with serve(site) as base, browser_session() as (page, record):
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            for name in pages(site, edition):
                page.goto(f"{base}/{edition}/{name}", wait_until="load")
                found = page.evaluate(LAYOUT_CHECK, {"minChartPx": MIN_CHART_PX,
                                                     "hashesShown": name == "provenance.html"})
                problems += [f"{edition}/{name} at {width} px: {p}" for p in found]
        problems += record.problems()
    return problems


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_page_reflows_and_keeps_its_text_readable(edition):
    problems = check_layout(SITE, edition)
    assert problems == [], "\n".join(problems[:40])


def test_the_district_edition_reflows_and_passes_axe_in_both_themes(district_site):
    from axe_playwright_python.sync_playwright import Axe

    problems = check_layout(district_site, DISTRICT)
    axe = Axe()
    with serve(district_site) as base, browser_session() as (page, record):
        for i, name in enumerate(pages(district_site, DISTRICT)):
            problems += themed_page_problems(page, record, axe, f"{base}/{DISTRICT}/{name}", name,
                                             ("light", "dark") if i % 2 == 0 else ("dark", "light"))
    assert problems == [], "\n".join(problems[:40])


# One page of each type: the editions index, a home page, numbered paragraphs with a figure, a table with a
# chart, the action plan, a district's local content, and the provenance page.
PAGE_TYPES = {"editions-index": "index.html", "home": "2022/county/index.html",
              "chapter-figure": "2022/county/governance.html", "appendix-table-chart": "2022/county/appendix_a.html",
              "action-plan": "2024/county/action_plan.html", "provenance": "2022/county/provenance.html"}


def test_screenshots_of_every_page_type(district_site):
    import shutil

    # the district edition is served beside the default ones
    shutil.copytree(district_site / "2022" / "examplebury", SCREENSHOTS.parent / "screenshots-site" / DISTRICT,
                    dirs_exist_ok=True, symlinks=False)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    taken = []
    with serve(SITE) as base, serve(SCREENSHOTS.parent / "screenshots-site") as district_base, \
            browser_session() as (page, record):
        shots = {**{kind: f"{base}/{path}" for kind, path in PAGE_TYPES.items()},
                 "district-home": f"{district_base}/{DISTRICT}/index.html"}
        for kind, url in shots.items():
            for width in (390, 1400):
                page.set_viewport_size({"width": width, "height": 900})
                for mode in ("light", "dark"):
                    page.emulate_media(color_scheme=mode)
                    page.goto(url, wait_until="load")
                    target = SCREENSHOTS / f"{kind}-{width}-{mode}.png"
                    target.unlink(missing_ok=True)
                    page.screenshot(path=str(target), full_page=True)
                    taken.append(target)
        assert record.problems() == []
    shutil.rmtree(SCREENSHOTS.parent / "screenshots-site")
    assert len(taken) == 7 * 2 * 2
    for target in taken:
        assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and target.stat().st_size > 10_000, target.name
