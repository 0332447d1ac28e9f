"""The Action Plan 2024/25: parsed counts, timescales, and the offline filter table in a real browser."""

import re
from datetime import date

import pytest

from csabook import open_edition
from csabook.content.actionplan import actions_frame, objectives_per_agency, objectives_per_group
from csabook.model.loader import reference_priorities
from csabook.validation.edition import validate_edition
from csabook.model.timescales import parse_timescale

from .browser import browser_page, serve

LINKED = ["1.3", "2.1", "2.2", "3.1", "5.1", "5.4", "5.5", "6.1", "6.2", "7.1", "7.3", "8.1"]


@pytest.fixture(scope="module")
def plan():
    return open_edition(2024).action_plan


def test_2024_data_is_valid():
    assert validate_edition(2024) == []


def test_objectives_per_group_match_the_source(plan):
    assert [n for _, n in objectives_per_group(plan)] == [8, 2, 1, 4, 8, 2, 4, 2, 1]
    assert [o.number for o in plan.objectives][0] == "1.1" and plan.objectives[-1].number == "9.1"
    assert len(plan.objectives) == 32


def test_linked_partnership_flags(plan):
    assert [o.number for o in plan.objectives if o.linked_partnership] == LINKED
    assert all(o.crg_funded is None for o in plan.objectives)


def test_rows_keep_the_source_groupings(plan):
    by_number = {o.number: o for o in plan.objectives}
    assert len(by_number["1.1"].rows) == 4
    assert [r.timescale for r in by_number["4.2"].rows] == ["Apr ‘24", "Apr ‘24", "Sep ‘24"]


def test_group_priorities_are_the_2022_priorities(plan):
    known, where = reference_priorities(open_edition(2024))
    assert where == "data/2022/county/priorities.yml"
    ids = [g.priority_id for g in plan.groups]
    assert ids[-1] is None
    assert sorted(ids[:-1]) == sorted(known)


@pytest.mark.parametrize("text, kind, due", [
    ("March 2025", "date", date(2025, 3, 31)),
    ("Sept 2024", "date", date(2024, 9, 30)),
    ("Dec ‘24", "date", date(2024, 12, 31)),
    ("Apr ‘24", "date", date(2024, 4, 30)),
    ("Sep ‘24", "date", date(2024, 9, 30)),
    ("Dec '24", "date", date(2024, 12, 31)),
    ("Dec ‘24 Mar ‘25", "date", date(2025, 3, 31)),
    ("Ongoing", "ongoing", None),
    ("ongoing", "ongoing", None),
    ("When funding allows", "unparsed", None),
])
def test_timescale_parsing(text, kind, due):
    parsed = parse_timescale(text)
    assert (parsed.kind, parsed.due, parsed.text) == (kind, due, text)


def test_every_published_timescale_is_understood(plan):
    kinds = {r.timescale: r.due.kind for o in plan.objectives for r in o.rows}
    assert set(kinds) == {"Apr ‘24", "Dec ‘24", "Dec ‘24 Mar ‘25", "March 2025", "Ongoing", "Sep ‘24", "Sept 2024",
                          "ongoing"}
    assert "unparsed" not in kinds.values()


def test_actions_frame_has_one_row_per_plan_row(plan):
    frame = actions_frame(plan)
    assert len(frame) == sum(len(o.rows) for o in plan.objectives)
    assert frame.iloc[0]["No."] == "1.1" and frame.iloc[2]["No."] == "1.1"


def test_site_lists_both_editions(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="2022/county/index.html"' in index and 'href="2024/county/index.html"' in index
    home = (site / "2024" / "county" / "index.html").read_text(encoding="utf-8")
    assert 'href="action_plan.html"' in home and 'href="appendix_a.html"' not in home
    assert not (site / "2024" / "county" / "appendix_a.html").exists()


def test_the_actions_are_grouped_under_their_objective_said_once(site):
    page = (site / "2024" / "county" / "action_plan.html").read_text(encoding="utf-8")
    table = re.search(r'<table class="csa-table" id="table-all-actions-of-the-action-plan".*?</table>', page, re.S).group(0)
    heads = re.findall(r'<tr class="csa-group-row"[^>]*><th scope="colgroup" colspan="5">(.*?)</th>\s*</tr>', table, re.S)
    assert len(heads) == 32 and heads[0].startswith("Objective 1.1 (Domestic Abuse): ")
    assert len(re.findall(r"<tr[^>]* data-group=", table)) == 39
    header = re.findall(r'<th scope="col">(.*?)</th>', table)
    assert header == ["Action ID", "Actions", "Measures", "Timescale", "Lead agency"]  # no objective text per row


def test_filter_table_narrows_by_lead_agency_offline(site):
    agency = "Kent Community Safety Team (KCST)"
    with serve(site) as base, browser_page() as (page, blocked, errors):
        page.goto(f"{base}/2024/county/action_plan.html")
        box = page.locator("[data-csa-filter]")
        box.locator(".csa-filter-count").wait_for()
        rows = box.locator("tbody tr:not(.csa-group-row)")
        total = rows.count()
        assert page.locator(".csa-filter-ready").count() == 1, "the filter script did not run"
        assert box.locator(".csa-filter-count").inner_text() == f"Showing {total} of {total} actions."
        box.get_by_label("Lead agency").select_option(agency)
        visible = box.locator("tbody tr:not([hidden]):not(.csa-group-row)")
        shown = visible.count()
        assert 0 < shown < total
        assert all(agency in visible.nth(i).inner_text() for i in range(shown))
        assert box.locator(".csa-filter-count").inner_text() == f"Showing {shown} of {total} actions."
        heads = box.locator("tbody tr.csa-group-row:not([hidden])")
        assert 0 < heads.count() <= shown  # only the objectives with a matching action keep their heading
        box.get_by_label("Search the actions").fill("webinars")
        assert 0 < box.locator("tbody tr:not([hidden]):not(.csa-group-row)").count() < shown
        assert box.locator(".csa-filter-empty").is_hidden()
        box.get_by_label("Search the actions").fill("no action says this")
        assert box.locator(".csa-filter-count").inner_text() == f"Showing 0 of {total} actions."
        assert box.locator(".csa-filter-empty").is_visible() and box.locator("table").is_hidden()
        assert "No actions match these filters." in box.locator(".csa-filter-empty").inner_text()
        box.locator("[data-filter-clear]").click()
        page.wait_for_function("document.querySelector('.csa-filter-count').textContent.startsWith('Showing 39')")
        assert box.locator(".csa-filter-count").inner_text() == f"Showing {total} of {total} actions."
        assert box.get_by_label("Lead agency").input_value() == "" and box.locator(".csa-filter-empty").is_hidden()
        assert blocked == [], blocked
        assert errors == [], errors


# The agencies register (issue: monitoring, part 1)


def test_every_lead_of_the_2024_plan_names_registered_agencies():
    from csabook.model.agencies import load_agencies

    agencies = load_agencies()
    plan = open_edition(2024).action_plan
    for objective in plan.objectives:
        for row in objective.rows:
            assert len(agencies.named(row.agencies)) == len(row.agencies), (objective.number, row.lead)
    shared = next(row for o in plan.objectives for row in o.rows if " / " in row.lead)
    assert [a.slug for a in agencies.named(shared.agencies)] == ["kcc-commissioned-services", "kcst"]


def test_the_chart_counts_each_registered_agency_once():
    from csabook.model.agencies import load_agencies

    counts = dict(objectives_per_agency(open_edition(2024).action_plan, load_agencies()))
    assert "Violence Reduction Unit (VRU" not in counts and "KCC SOC Team" not in counts
    assert counts["Violence Reduction Unit (VRU)"] == 3  # objectives 5.1, 5.2 and 5.3
    assert counts["KCC Serious and Organised Crime (SOC) Team"] == 4  # objectives 5.4 to 5.7
    assert set(counts) == {a.name for a in load_agencies().agencies}


def test_an_unknown_lead_is_one_line_naming_the_file_objective_and_lead(project, run_cli):
    path = project.data / "2024" / "county" / "action_plan.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('lead: "Domestic Abuse Tactical Group"', 'lead: "Kent Police / A Made-up Body"', 1),
                    encoding="utf-8")
    result = run_cli("validate", "--year", "2024", root=project.root)
    assert result.returncode == 1
    line = text[:text.index('lead: "Domestic Abuse Tactical Group"')].count("\n") + 1
    assert (f"data/2024/county/action_plan.yml:line {line} (objective 1.3): lead agency 'A Made-up Body' is not in "
            "data/agencies.yml; expected a registered agency's name or alias") in result.stderr, result.stderr
    assert "Kent Police'" not in result.stderr


def test_an_alias_used_twice_is_refused(project, run_cli):
    path = project.data / "agencies.yml"
    path.write_text(path.read_text(encoding="utf-8").replace('aliases: ["KCC SOC Team"]',
                                                             'aliases: ["KCC SOC Team", "Kent Police"]'),
                    encoding="utf-8")
    result = run_cli("validate", "--year", "2024", root=project.root)
    assert result.returncode == 1
    assert "data/agencies.yml" in result.stderr and "duplicate agency name or alias 'Kent Police'" in result.stderr


# Stable action ids (issue: monitoring, part 2)


def test_every_row_has_its_id_in_the_tables_and_the_workbook(plan):
    from csabook.content.actionplan import workbook_sheets

    frame = actions_frame(plan)
    ids = list(frame["Action ID"])
    assert ids[:3] == ["1.1-1", "1.1-2", "1.1-3"] and len(set(ids)) == len(ids) == 39
    assert list(workbook_sheets(plan)["Actions"]["Action ID"]) == ids


def test_a_repeated_action_id_is_one_line(project, run_cli):
    path = project.data / "2024" / "county" / "action_plan.yml"
    path.write_text(path.read_text(encoding="utf-8").replace('id: "1.1-2"', 'id: "1.1-1"', 1), encoding="utf-8")
    result = run_cli("validate", "--year", "2024", root=project.root)
    assert result.returncode == 1 and "duplicate action id '1.1-1'" in result.stderr, result.stderr


def test_new_year_carries_the_action_ids(project):
    import csabook

    csabook.new_year(2025, project=project)
    carried = open_edition(2025, project=project).action_plan
    assert [r.id for o in carried.objectives for r in o.rows] == \
        [r.id for o in open_edition(2024, project=project).action_plan.objectives for r in o.rows]


def test_the_plan_page_shows_each_action_id(site):
    page = (site / "2024" / "county" / "action_plan.html").read_text(encoding="utf-8")
    assert "<th>Action ID</th>" in page or ">Action ID<" in page
    assert page.count(">1.1-1<") >= 1 and ">4.2-2<" in page
