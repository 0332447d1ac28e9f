"""`csabook diff`: what changed between two years, compared on what both hold, with draft version-control rows."""

import shutil

import pytest
import yaml

from csabook import open_edition
from csabook.tools.diff import compare_years, format_diff


def test_diff_2021_2022_prints_the_three_changes(run_cli):
    result = run_cli("diff", "2021", "2022")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "new priority ‘Violence Against Women and Girls (VAWG)’ added" in out
    assert ("priority ‘Anti-Social Behaviour’ became ‘Preventing Neighbourhood Crime & ASB (Anti-Social Behaviour)’"
            in out)
    assert ("cross-cutting theme ‘Response and Recovery from the COVID-19 pandemic’ became ‘Response and Recovery "
            "from Significant Community Events’") in out
    assert "Ch.7 Leads (2022 only)" in out
    assert '  - "Ch.6 - changes made to priorities and cross-cutting themes"' in out


@pytest.mark.parametrize("before, after", [(2019, 2020), (2020, 2021), (2021, 2022)])
def test_draft_rows_use_the_wording_of_the_published_table(before, after):
    published = {v.date: v.changes for v in open_edition(2022).version_control.versions}[f"April {after}"]
    rows = compare_years(before, after).rows()
    assert rows and all(any(p.startswith(row) for p in published) for row in rows), (rows, published)


def test_2021_2022_rows_match_version_6():
    assert compare_years(2021, 2022).rows() == ["Ch.6 - changes made to priorities and cross-cutting themes",
                                                "Appendix E - amendments to reflect Ch.6"]


def test_only_what_both_years_hold_is_compared():
    diff = compare_years(2018, 2019)
    assert [r.area.key for r in diff.compared] == ["priorities"]
    assert diff.changes == [] and diff.rows() == []
    assert "No change found" in format_diff(diff)
    nothing = compare_years(2022, 2024)
    assert nothing.compared == [] and "hold no data in common" in format_diff(nothing)


def write_yaml(path, content):
    path.write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True), encoding="utf-8")


@pytest.fixture
def year_2023(project):
    """A 2023 county layer copied from 2022, for editing."""
    shutil.copytree(project.data / "2022" / "county", project.data / "2023" / "county")
    folder = project.data / "2023" / "county"
    doc = folder / "document.yml"
    doc.write_text(doc.read_text(encoding="utf-8").replace("April 2022", "April 2023"), encoding="utf-8")
    return folder


def replace(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, path)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_every_area_reports_its_changes(project, year_2023, run_cli):
    replace(year_2023 / "leads.csv", "Chair of Safer Roads for Kent partnership", "Another lead")
    replace(year_2023 / "plans.csv", "Vision for Kent,kent-csa-2022,23\n", "")
    with open(year_2023 / "plans.csv", "a", encoding="utf-8") as handle:
        handle.write("A new plan,kent-csa-2022,23\n")
    replace(year_2023 / "appendix_a.csv", "Road Safety,3,", "Road Safety,4,")
    morile = year_2023 / "morile.csv"
    text = morile.read_text(encoding="utf-8")
    text = text.replace("1,Child Sexual Exploitation (CSE)", "2,Child Sexual Exploitation (CSE)").replace(
        "2,PREVENT", "1,PREVENT")
    lines = text.splitlines()
    lines[1], lines[2] = lines[2], lines[1]
    morile.write_text("\n".join(lines) + "\n", encoding="utf-8")
    scan = yaml.safe_load((year_2023 / "appendix_c.yml").read_text(encoding="utf-8"))
    removed = scan["categories"][0]["groups"][0]["items"].pop(0)
    scan["categories"][1]["groups"][0]["items"].append("A new economic item")
    write_yaml(year_2023 / "appendix_c.yml", scan)

    result = run_cli("diff", "2022", "2023", root=project.root)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "lead for ‘Road Safety’ changed from ‘Chair of Safer Roads for Kent partnership’ to ‘Another lead’" in out
    assert "plan ‘Vision for Kent’ removed" in out and "plan ‘A new plan’ added" in out
    assert "‘Road Safety’: identified by 4 CSPs, 3 before" in out
    assert "‘PREVENT’ moved up from rank 2 to 1" in out
    assert "‘Child Sexual Exploitation (CSE)’ moved down from rank 1 to 2" in out
    assert f"PESTELO item ‘{removed}’ removed (Political)" in out
    assert "PESTELO item ‘A new economic item’ added (Economic)" in out
    assert "Ch.6 Priorities and cross-cutting themes\n  no change" in out
    assert "Not compared" not in out
    rows = out.split("Draft version-control rows")[1]
    assert rows.count('  - "') == 5
    for row in ("Ch.7 - priority leads updated", "Ch.8 - changes to the list of plans",
                "Appendix A - strategic assessment outcomes updated", "Appendix B - MoRiLE outcomes refreshed",
                "Appendix C - refreshed horizon scanning"):
        assert f'"{row}"' in rows


def test_a_removed_priority_and_a_theme_moved(project, year_2023):
    prios = yaml.safe_load((year_2023 / "priorities.yml").read_text(encoding="utf-8"))
    road = prios["priorities"].pop()
    prios["themes"].append(road)
    write_yaml(year_2023 / "priorities.yml", prios)
    diff = compare_years(2022, 2023, project=project)
    assert [c.text for c in diff.changes if c.area == "priorities"] == [
        "priority ‘Road Safety’ became the cross-cutting theme ‘Road Safety’"]
    assert diff.rows()[0] == "Ch.6 - changes made to priorities and cross-cutting themes"
    del prios["themes"][-1]
    write_yaml(year_2023 / "priorities.yml", prios)
    assert [c.text for c in compare_years(2022, 2023, project=project).changes if c.area == "priorities"] == [
        "priority ‘Road Safety’ removed"]


@pytest.mark.parametrize("args, message", [
    (("2021", "2010"), "no data for year 2010; expected one of: 2017, 2018, 2019, 2020, 2021, 2022, 2024"),
    (("2021", "1999"), "argument YEAR_B: '1999' is not a year of four digits from 2000 to 2099"),
    (("2022", "2022"), "both years are 2022; expected two different years"),
    (("2021", "2022", "--district", "../../etc"), "unknown district '../../etc' for 2021 and 2022; expected county"),
    (("2021", "twenty"), "argument YEAR_B: 'twenty' is not a year of four digits from 2000 to 2099"),
])
def test_bad_input_is_named(run_cli, args, message):
    result = run_cli("diff", *args)
    assert result.returncode != 0
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_the_version_control_chapter_shows_changes_since_the_previous_edition(site):
    html = (site / "2022" / "county" / "version_control.html").read_text(encoding="utf-8")
    assert "Changes since the previous edition" in html
    assert "Computed from the data of 2021 and 2022" in html
    assert "new priority ‘Violence Against Women and Girls (VAWG)’ added" in html


def test_action_plans_are_compared_objective_by_objective(project):
    from csabook.tools.newyear import scaffold_year

    scaffold_year(2025, None, project)
    path = project.data / "2025" / "county" / "action_plan.yml"
    plan = yaml.safe_load(path.read_text(encoding="utf-8"))
    first, second = plan["groups"][0]["objectives"][0], plan["groups"][0]["objectives"][1]
    moved = first["rows"][0]["actions"].pop(0)
    second["rows"][0]["actions"].append(moved)
    second["rows"][0]["actions"].append("A FICTIONAL new action")
    old_lead, first["rows"][0]["lead"] = first["rows"][0]["lead"], "Kent Police"
    removed = next(g for g in plan["groups"][1:] if len(g["objectives"]) > 1)["objectives"].pop()
    path.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    diff = compare_years(2024, 2025, project=project)
    texts = [c.text for c in diff.changes]
    assert f"action ‘{moved}’ moved from objective {first['number']} to {second['number']}" in texts
    assert f"action ‘A FICTIONAL new action’ added (objective {second['number']})" in texts
    assert f"objective ‘{removed['number']}’ removed" in texts
    assert f"objective {first['number']}, action row 1: lead ‘{old_lead}’ became ‘Kent Police’" in texts
    assert "Action plan - objectives, actions, leads and timescales updated" in diff.rows()
