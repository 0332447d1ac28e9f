import pytest
"""The analyst explorer: its option lists, previews and callbacks, driven without a browser; never in the book."""

import nbformat
import yaml

from csabook.tools.explore import (Explorer, chapter_options, district_options, preview_chapter, preview_html,
                             run_template, year_options)
from csabook.paths import get_project
from tests import REPO

from .conftest import append_cell

pytestmark = pytest.mark.built  # runs builds or kernels of its own

ROOT = get_project(REPO)


def test_years_districts_and_chapters_on_offer():
    assert year_options(ROOT) == [2024, 2022]
    assert district_options(2022, ROOT)[0] == "county"
    chapters = chapter_options(2024, "county", ROOT)
    assert chapters == [("Kent Community Safety Agreement", "index"), ("Action Plan", "action_plan"),
                        ("Action Plan: Objectives by Priority", "action_plan_objectives")]
    names = [name for _, name in chapter_options(2022, "county", ROOT)]
    assert names[:3] == ["index", "version_control", "foreword"] and "action_plan" not in names


def test_a_preview_shows_what_the_book_shows():
    preview = preview_chapter(2022, "county", "appendix_b", ROOT)
    assert preview.error is None and preview.problems == () and preview.other_problems == ()
    html = "".join(preview.outputs)
    assert "MoRiLE ranking, highest overall score first" in html and "Child Sexual Exploitation (CSE)" in html
    assert preview.files == ("data/2022/county/appendix_b.yml", "data/2022/county/morile.csv")
    page = preview_html(preview)
    assert "No validation problem in this chapter's data." in page and "<style>" in page


def test_the_parameters_are_those_chosen(project):
    template = project.notebooks / "index.ipynb"
    outputs, files = run_template(template, {"year": 2024, "district": "county"}, project)
    assert "Edition: 2024" in "".join(outputs)
    assert files == ["data/2024/county/action_plan.yml"]  # the home page names the plan from its title


def test_charts_come_through_as_inline_svg():
    preview = preview_chapter(2024, "county", "action_plan", ROOT)
    html = "".join(preview.outputs)
    assert html.count('<svg role="img"') == 2


def test_validation_problems_are_shown_inline(project):
    path = project.data / "2022" / "county" / "morile.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("\n2,PREVENT", "\n3,PREVENT"), encoding="utf-8")
    leads = project.data / "2022" / "county" / "leads.csv"
    leads.write_text(leads.read_text(encoding="utf-8").replace("domestic-abuse,", "nowhere,"), encoding="utf-8")
    preview = preview_chapter(2022, "county", "appendix_b", project)
    assert preview.error is None and preview.outputs
    assert [p.file for p in preview.problems] == ["data/2022/county/morile.csv"]
    assert "column rank" in str(preview.problems[0])
    page = preview_html(preview)
    assert "1 validation problem(s) in this chapter" in page
    assert "1 other problem(s) in this edition; run <code>csabook validate --year 2022 --district county</code>" in page
    contact = project.data / "2022" / "county" / "contact.yml"
    contact.write_text(contact.read_text(encoding="utf-8").replace("telephone:", "phone:"), encoding="utf-8")
    broken = preview_chapter(2022, "county", "contact", project)
    assert broken.error == "the chapter could not read its data"
    assert any("unknown key 'phone'" in str(p) for p in broken.problems)
    assert "The chapter could not be previewed" in preview_html(broken)


def test_a_failing_cell_is_reported_not_raised(project):
    append_cell(project, "contact", nbformat.v4.new_code_cell("1 / 0", id="broken"))
    preview = preview_chapter(2022, "county", "contact", project)
    # numbered as the build numbers it: in the executed notebook, whose first code cell holds the parameters
    assert preview.error == "code cell 5 failed: ZeroDivisionError: division by zero"


def test_the_callbacks_follow_the_choices(project):
    explorer = Explorer(project)
    assert (explorer.year.value, explorer.district.value, explorer.chapter.value) == (2024, "county", "action_plan")
    assert "All actions of the action plan" in explorer.output.value
    explorer.year.value = 2022
    assert [name for _, name in explorer.chapter.options][1] == "version_control"
    assert explorer.chapter.value == "version_control"
    assert "Versions of the Kent Community Safety Agreement" in explorer.output.value
    explorer.chapter.value = "appendix_a"
    assert "No. of CSPs Identifying these Issues" in explorer.output.value
    path = project.data / "2022" / "county" / "appendix_a.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",12,", ",13,", 1), encoding="utf-8")
    explorer.on_refresh()
    assert "validation problem(s) in this chapter" in explorer.output.value
    assert "data/2022/county/appendix_a.csv:line 2 (row 1, column csps)" in explorer.output.value


def test_a_district_keeps_the_chapter_where_it_can(project):
    (project.params / "2022" / "dover.yml").write_text("year: 2022\ndistrict: dover\n", encoding="utf-8")
    explorer = Explorer(project)
    explorer.year.value = 2022
    explorer.chapter.value = "contact"
    explorer.district.value = "dover"
    assert explorer.chapter.value == "contact"
    assert "County-wide content" in explorer.output.value


def test_the_explorer_is_not_part_of_the_book(site):
    toc = yaml.safe_load((REPO / "_toc.yml").read_text(encoding="utf-8"))
    assert "explore" not in yaml.safe_dump(toc)
    assert not list((REPO / "book").rglob("explore.ipynb"))
    assert not list(site.rglob("explore.html"))
    nb = nbformat.read(REPO / "notebooks" / "explore.ipynb", as_version=4)
    nbformat.validate(nb)
    assert all(c.get("outputs", []) == [] for c in nb.cells if c.cell_type == "code")
    assert "Explorer().widget" in nb.cells[-1].source
