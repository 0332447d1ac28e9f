"""The priorities history 2017-2022: derived lists, ids kept across years, cross-year checks, chart and table."""

import re

from csabook import open_edition

from csabook.figures import charts

from csabook.html import views
from csabook.model.loader import EditionData
from csabook.validation.edition import validate_edition
from csabook.content.history import chart_groups, history_alt, history_frame, list_changes, priority_history, tracks
from csabook.validation.selection import validate_selection


def names(listed, kind):
    return [i.name for i in listed.items if i.kind == kind]


def test_every_year_from_2017_to_2022_has_a_list():
    past = priority_history(open_edition(2022))
    assert [y.year for y in past] == [2017, 2018, 2019, 2020, 2021, 2022]
    assert [len(y.priorities) for y in past] == [6, 7, 7, 7, 7, 8]
    assert [len(y.themes) for y in past] == [3, 4, 4, 4, 5, 5]
    assert past[-1].path == "data/2022/county/priorities.yml"
    assert past[0].path == "data/2017/county/priority_list.yml"


def test_the_2021_priorities_are_those_chapter_5_lists():
    listed = priority_history(open_edition(2022))[4]
    chapter_5 = ["Domestic Abuse", "Substance Misuse", "Safeguarding Vulnerable People",
                 "Serious Violence & Organised Crime", "Anti-Social Behaviour", "Road Safety",
                 "Preventing Extremism & Hate"]
    assert sorted(n.replace(" and ", " & ") for n in names(listed, "priority")) == sorted(chapter_5)


def test_each_change_of_section_6_5_appears_in_its_year():
    past = {y.year: y for y in priority_history(open_edition(2022))}
    changes = {year: [c.text for c in list_changes(past[year - 1], past[year])] for year in range(2018, 2023)}
    assert changes[2018] == ["new priority ‘Preventing Extremism and Hate’ added",
                             "new cross-cutting theme ‘Support Mental Health and Wellbeing’ added"]
    assert changes[2019] == []
    assert changes[2020] == ["priority ‘Serious and Organised Crime’ became ‘Serious Violence and Organised Crime’"]
    assert changes[2021] == ["new cross-cutting theme ‘Response and Recovery from the COVID-19 pandemic’ added"]
    assert len(changes[2022]) == 3


def test_years_the_text_does_not_fully_determine_say_so():
    for year in range(2017, 2022):
        listed = EditionData(year).get("priority_list")
        assert listed.note and listed.derived_from, year
    assert "exact 2017 names are not stated" in EditionData(2017).get("priority_list").note


def test_renames_keep_their_id():
    by_id = {t.id: t for t in tracks(priority_history(open_edition(2022)))}
    asb = by_id["neighbourhood-crime-asb"]
    assert asb.held[2021].name == "Anti-Social Behaviour" and sorted(asb.held) == list(range(2017, 2023))
    assert by_id["significant-community-events"].held[2021].name.endswith("COVID-19 pandemic")
    assert by_id["serious-violence-organised-crime"].held[2019].name == "Serious and Organised Crime"
    assert sorted(by_id["vawg"].held) == [2022]


def test_years_without_an_edition_are_valid_and_validated():
    for year in range(2017, 2022):
        assert validate_edition(year) == [], year
    checked = validate_selection(None, None, open_edition(2022).project)
    assert checked.data_years == (2017, 2018, 2019, 2020, 2021) and checked.problems == ()


def test_validate_reports_a_name_whose_id_changes_between_years(project, run_cli):
    path = project.data / "2019" / "county" / "priority_list.yml"
    path.write_text(path.read_text(encoding="utf-8").replace('"road-safety"', '"roads"'), encoding="utf-8")
    result = run_cli("validate", root=project.root)
    assert result.returncode == 1
    assert ("data/2019/county/priority_list.yml:priorities[6].id: ‘Road Safety’ has id 'roads' in 2019 but "
            "'road-safety' in 2017") in result.stderr, result.stderr


def test_validate_names_a_year_with_both_lists_and_a_bad_year_of_its_own(project, run_cli):
    (project.data / "2022" / "county" / "priority_list.yml").write_text(
        (project.data / "2021" / "county" / "priority_list.yml").read_text(encoding="utf-8"), encoding="utf-8")
    path = project.data / "2018" / "county" / "priority_list.yml"
    path.write_text(path.read_text(encoding="utf-8").replace('period: "2018/19"', 'period: "2018-19"'),
                    encoding="utf-8")
    result = run_cli("validate", root=project.root)
    assert result.returncode == 1
    assert "data/2022/county/priority_list.yml: 2022 has both priorities.yml and priority_list.yml" in result.stderr
    assert "data/2018/county/priority_list.yml:line 2 (period)" in result.stderr, result.stderr
    only = run_cli("validate", "--year", "2018", root=project.root)
    assert only.returncode == 1 and "(period)" in only.stderr


def test_history_chart_is_deterministic_and_accessible():
    past = priority_history(open_edition(2022))
    years, groups = chart_groups(past)
    svg = charts.presence_chart(years, groups, history_alt(past))
    assert svg == charts.presence_chart(years, groups, history_alt(past))
    assert svg.startswith('<svg role="img" aria-label="Kent CSA priorities and cross-cutting themes held')
    assert "<title>Kent CSA priorities" in svg
    assert "named ‘Anti-Social Behaviour’ in 2017–2021" in history_alt(past)
    cells = dict(groups[0][1])
    assert cells["Violence Against Women and Girls (VAWG)"] == [None] * 5 + ["new"]
    assert cells["Serious Violence and Organised Crime"][3] == "renamed"


def test_history_table_and_basis():
    past = priority_history(open_edition(2022))
    frame = history_frame(past)
    assert list(frame["Year"]) == [f"{y} ({y}/{(y + 1) % 100})" for y in range(2017, 2023)]
    assert frame["Changes from the year before"][2] == ["no change"]
    html = views.priority_history(past).markup
    assert "Priorities and cross-cutting themes by year, 2017 to 2022" in html
    assert "data/2017/county/priority_list.yml" in html
    assert views.priority_history(past[-1:]).markup == ""


def test_the_2022_edition_shows_the_history(site):
    html = (site / "2022" / "county" / "priorities.html").read_text(encoding="utf-8")
    assert "The priorities and cross-cutting themes since 2017" in html
    assert re.search(r'<svg role="img" aria-label="Kent CSA priorities and cross-cutting themes held', html)
    assert "Priorities and cross-cutting themes by year, 2017 to 2022" in html
    assert "priority ‘Anti-Social Behaviour’ became" in html


def test_years_without_an_edition_do_not_become_editions(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    for year in range(2017, 2022):
        assert f'href="{year}/' not in index
        assert not (site / str(year)).exists()
