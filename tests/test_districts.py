"""District editions: the register, params for every district, local overlays, Appendix A from returns."""

import html
import re
import shutil
from pathlib import Path

import pytest
import yaml

from csabook.model.loader import EditionData
from csabook.validation.edition import validate_edition
from csabook.model.districts import load_register
from csabook.model.editions import discover_editions, select_editions, write_params
from csabook.errors import DataError, SelectionError
from csabook.content.returns import appendix_a_counts

from .conftest import ROOT

KENT = ["Ashford", "Canterbury", "Dartford", "Dover", "Folkestone & Hythe", "Gravesham", "Maidstone", "Sevenoaks",
        "Swale", "Thanet", "Tonbridge & Malling", "Tunbridge Wells"]
EXAMPLE = ROOT / "examples" / "examplebury"


def add_example(project):
    """Register the fictional Examplebury and copy its 2022 overlay into the project."""
    with open(project.data / "register.yml", "a", encoding="utf-8") as reg:
        reg.write((EXAMPLE / "register-entry.yml").read_text(encoding="utf-8"))
    shutil.copytree(EXAMPLE / "data" / "2022" / "districts", project.data / "2022" / "districts")
    write_params(2022, project)


def set_toc(project, files):
    toc = {"format": "jb-book", "root": "index", "parts": [{"caption": "Test", "chapters": [{"file": f} for f in files]}]}
    (project.root / "_toc.yml").write_text(yaml.safe_dump(toc), encoding="utf-8")


def text_of(page):
    body = re.search(r"<main.*?</main>", page.read_text(encoding="utf-8"), re.S).group(0)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def test_register_holds_the_twelve_districts():
    names = [d.name for d in load_register().districts]
    assert names == KENT
    assert all(d.csp_name for d in load_register().districts)


def test_every_district_has_params_for_every_county_year():
    editions = discover_editions()
    county_years = {e.year for e in editions if e.is_county}
    for year in county_years:
        assert sorted(e.district for e in editions if e.year == year and not e.is_county) == sorted(
            d.slug for d in load_register().districts)


def test_params_command_writes_missing_files_and_leaves_the_rest(project, run_cli):
    shutil.rmtree(project.params / "2022")
    (project.params / "2022").mkdir()
    (project.params / "2022" / "county.yml").write_text("year: 2022\ndistrict: county\n", encoding="utf-8")
    first = run_cli("params", root=project.root)
    assert first.returncode == 0, first.stderr
    assert len(list((project.params / "2022").glob("*.yml"))) == 13
    assert "params/2022/dover.yml" in first.stdout
    again = run_cli("params", root=project.root)
    assert "0 file(s) written" in again.stdout


@pytest.mark.parametrize("bad", ["Dover ", "../x", "dover/../../x", "DOVER", "examplebury", ""])
def test_a_district_that_is_not_a_registered_slug_is_refused(project, run_cli, bad):
    result = run_cli("build", "--year", "2022", "--district", bad, root=project.root)
    assert result.returncode != 0
    assert "unknown district" in result.stderr and "dover" in result.stderr and "tunbridge-wells" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project.root / "_build").exists() and not (project.root / "book").exists()


def test_an_unknown_year_lists_the_valid_ones(project, run_cli):
    result = run_cli("validate", "--year", "2023", root=project.root)
    assert result.returncode != 0 and "2022, 2024" in result.stderr


def test_a_registered_district_without_params_says_how_to_fix_it(project):
    (project.params / "2022" / "dover.yml").unlink()
    (project.params / "2024" / "dover.yml").unlink()
    with pytest.raises(SelectionError, match="params/<year>/dover.yml is missing"):
        select_editions(2022, "dover", project)


def test_params_for_an_unregistered_district_are_an_error(project):
    (project.params / "2022" / "nowhere.yml").write_text("year: 2022\ndistrict: nowhere\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        discover_editions(project)
    assert "params/2022/nowhere.yml" in str(caught.value) and "not in the district register" in str(caught.value)


def test_an_overlay_folder_must_be_a_registered_slug(project):
    folder = project.data / "2022" / "districts" / "nowhere"
    folder.mkdir(parents=True)
    (folder / "foreword.yml").write_text("source: {document: local}\n", encoding="utf-8")
    problems = validate_edition(2022, "county", project)
    assert any(p.file == "data/2022/districts/nowhere" and "not a registered district" in p.message for p in problems)


def test_district_editions_are_named_after_the_register():
    edition = select_editions(2022, "folkestone-hythe")[0]
    assert edition.label() == "Folkestone & Hythe edition 2022"


def test_an_unknown_issue_in_a_return_is_reported(project):
    add_example(project)
    path = project.data / "2022" / "districts" / "examplebury" / "strategic_assessment.yml"
    path.write_text(path.read_text(encoding="utf-8").replace('"Town Centres"', '"Town Centers"'), encoding="utf-8")
    problems = validate_edition(2022, "examplebury", project)
    assert [p.message for p in problems] == ["'Town Centers' is not an Appendix A issue of 2022"]
    assert problems[0].file.endswith("examplebury/strategic_assessment.yml")


def test_a_district_only_file_in_the_county_layer_is_reported(project):
    shutil.copy(EXAMPLE / "data" / "2022" / "districts" / "examplebury" / "local_priorities.yml",
                project.data / "2022" / "county" / "local_priorities.yml")
    problems = validate_edition(2022, "county", project)
    assert any("district-only file" in p.message for p in problems)


def test_appendix_a_uses_the_published_table_until_every_district_returns(project):
    add_example(project)  # a fictional return, which is never counted among Kent's CSPs
    (project.data / "2022" / "districts" / "dover").mkdir()
    (project.data / "2022" / "districts" / "dover" / "strategic_assessment.yml").write_text(yaml.safe_dump(
        {"source": {"document": "local"}, "identified": ["Domestic Abuse"]}), encoding="utf-8")  # FICTIONAL test return
    frame, note = appendix_a_counts(EditionData(2022, "county", project))
    published = EditionData(2022, "county", project).table("appendix_a_table")
    assert list(frame["csps"]) == list(published["csps"])
    assert "published county table" in note and "1 of 12" in note


def test_appendix_a_is_computed_when_every_district_returns(project):
    slugs = [d.slug for d in load_register(project).districts]
    # Fictional returns: district n names the first n+1 issues.
    issues = list(EditionData(2022, "county", project).table("appendix_a_table")["issue"])
    for n, slug in enumerate(slugs):
        folder = project.data / "2022" / "districts" / slug
        folder.mkdir(parents=True)
        short = [i.split(" (")[0] for i in issues[: n + 1]]
        (folder / "strategic_assessment.yml").write_text(yaml.safe_dump(
            {"source": {"document": "local"}, "identified": short}), encoding="utf-8")
    assert validate_edition(2022, "county", project) == []
    frame, note = appendix_a_counts(EditionData(2022, "county", project))
    assert "computed from the strategic-assessment returns of all 12" in note
    assert list(frame["csps"]) == [12 - i if i < 12 else 0 for i in range(len(issues))]


def test_the_template_overlay_is_refused_until_every_placeholder_is_replaced(project):
    folder = project.data / "2022" / "districts" / "dover"
    shutil.copytree(ROOT / "data" / "district-template", folder, ignore=shutil.ignore_patterns("README.md"))
    problems = validate_edition(2022, "dover", project)
    assert {p.message for p in problems} == {"a 'REPLACE:' placeholder from the district template is still here"}
    assert sorted({Path(p.file).name for p in problems}) == ["achievements.yml", "foreword.yml",
                                                              "local_priorities.yml", "strategic_assessment.yml"]
    for path in folder.iterdir():
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r'"REPLACE[^:]*: ', '"FICTIONAL test text: ', text), encoding="utf-8")
    assert validate_edition(2022, "dover", project) == []


@pytest.mark.built
def test_the_fictional_district_edition_shows_local_content_and_marks_the_rest(project, run_cli):
    add_example(project)
    # the introduction's cross-reference links version control, which the edition must have (validate says so)
    set_toc(project, ["version_control", "foreword", "introduction", "local_priorities", "appendix_a"])
    result = run_cli("build", "--year", "2022", "--district", "examplebury", root=project.root)
    assert result.returncode == 0, result.stderr
    site = project.root / "_build" / "site"
    edition = site / "2022" / "examplebury"
    front = text_of(edition / "index.html")
    h1 = re.search(r'<article class="bd-article">.*?<h1>(.*?)<a class="headerlink"',
                   (edition / "index.html").read_text(encoding="utf-8"), re.S).group(1)
    assert h1.strip() == "Examplebury (fictional): Kent Community Safety Agreement 2022"
    assert re.search(r"Foreword Local", front) and re.search(r"1\. Introduction County-wide", front)
    assert re.search(r"Appendix A: this district's strategic assessment Local", front)
    foreword = text_of(edition / "foreword.html")
    assert "Local content, supplied by the Examplebury Community Safety Partnership (fictional)" in foreword
    assert "A. N. Example (fictional)" in foreword and "Mike Hill" not in foreword
    assert "County-wide content" in text_of(edition / "introduction.html")
    appendix = text_of(edition / "appendix_a.html")
    assert "Examplebury (fictional): Strategic assessment outcome" in appendix and "Town Centres" in appendix
    assert "published county table" in appendix
    assert "County-wide and local content" in appendix and "County-wide content:" not in appendix
    assert "Safer town centre" in text_of(edition / "local_priorities.html")
    title = re.search(r"<title>(.*?)</title>", (edition / "foreword.html").read_text(encoding="utf-8")).group(1)
    assert "Examplebury (fictional)" in title and "2022" in title
    assert 'href="../../index.html"' in (edition / "foreword.html").read_text(encoding="utf-8")
    index = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="2022/examplebury/index.html"' in index


@pytest.mark.built
def test_district_all_builds_every_district_edition(project, run_cli):
    set_toc(project, ["foreword"])
    result = run_cli("build", "--year", "2022", "--district", "all", "--no-pdf", root=project.root)
    assert result.returncode == 0, result.stderr
    site = project.root / "_build" / "site"
    built = sorted(p.name for p in (site / "2022").iterdir() if (p / "index.html").is_file())
    assert built == sorted(["county"] + [d.slug for d in load_register(project).districts])
    index = (site / "index.html").read_text(encoding="utf-8")
    for name in built:
        assert f'href="2022/{name}/index.html"' in index
    for district in load_register(project).districts:
        title = re.search(r"<title>(.*?)</title>",
                          (site / "2022" / district.slug / "index.html").read_text(encoding="utf-8")).group(1)
        assert district.name.replace("&", "&amp;") in title
