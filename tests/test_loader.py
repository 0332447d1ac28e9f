"""The 2022 county data loads into typed records with the published counts."""

from csabook import open_edition
from csabook.validation.edition import validate_edition


def test_2022_county_data_is_valid():
    assert validate_edition(2022) == []


def test_appendix_a_has_the_published_counts():
    csa = open_edition(2022)
    counts = [row.csps for row in csa.appendix_a_table]
    assert counts == [12, 12, 11, 11, 10, 9, 7, 7, 7, 5, 5, 4, 4, 3]
    assert csa.appendix_a_table[0].issue == "Domestic Abuse"


def test_tables_have_the_published_rows():
    csa = open_edition(2022)
    assert len(csa.leads_table) == 8
    assert len(csa.plans_table) == 17
    assert [r.issue for r in csa.morile_table][:3] == ["Child Sexual Exploitation (CSE)", "PREVENT", "Modern Slavery"]
    assert [r.issue for r in csa.morile_table][7] == "Public Order"
    assert [r.rank for r in csa.morile_table] == list(range(1, 15))


def test_chapters_have_every_section():
    csa = open_edition(2022)
    assert [s.number for s in csa.introduction.sections] == [f"1.{i}" for i in range(1, 6)]
    assert [s.number for s in csa.legislation.sections] == [f"2.{i}" for i in range(1, 6)]
    groups = csa.landscape.groups
    assert [len(g.sections) for g in groups] == [6, 6, 4]
    assert [s.number for g in groups for s in g.sections] == [f"3.{i}" for i in range(1, 17)]
    assert [s.number for s in csa.governance.sections] == [f"4.{i}" for i in range(1, 5)]
    assert [s.number for s in csa.priorities.sections] == [f"6.{i}" for i in range(1, 13)]
    assert [v.version for v in csa.version_control.versions] == ["1.0", "2.0", "3.0", "4.0", "5.0", "6.0"]


def test_lists_have_their_published_lengths():
    csa = open_edition(2022)
    assert len(csa.achievements.achievements) == 7
    assert len(csa.priorities.priorities) == 8
    assert len(csa.priorities.themes) == 5
    assert len(csa.responsible_authorities.authorities) == 7
    assert [len(l.items) for l in csa.appendix_d.lists] == [3, 7, 6]
    assert [c.name.split(" ")[0] for c in csa.appendix_c.categories] == [
        "Political", "Economic", "Social", "Technological", "Environmental", "Legislation", "Organisational"]
    legislation = csa.appendix_c.categories[5]
    assert [g.label for g in legislation.groups] == ["recent", "upcoming"]
    assert len(csa.governance.bodies) == 5


def test_every_file_records_its_source():
    csa = open_edition(2022)
    assert csa.foreword.source.document == "kent-csa-2022"
    assert csa.foreword.source.pages == [6]
    assert all(row.page for row in csa.leads_table)


def test_reads_are_recorded_with_their_hash():
    csa = open_edition(2022)
    csa.get("morile_table")
    read = csa.reads["morile_table"]
    assert read.path == "data/2022/county/morile.csv"
    assert len(read.sha256) == 64 and read.origin == "county"
    assert list(csa.reads) == ["morile_table"]


def test_table_frame_drops_provenance_columns():
    frame = open_edition(2022).table("leads_table")
    assert list(frame.columns) == ["priority_id", "priority", "lead"]
    assert len(frame) == 8
