"""`csabook new-year`: a scaffold copied from the previous year, marked for review, that validates and builds."""

import pytest
import hashlib
import shutil

import re

import yaml

from csabook.model.book import toc_files

from csabook.model.loader import EditionData
from csabook.tools.diff import compare_years
from csabook.tools.explore import preview_chapter
from csabook.tools.newyear import scaffold_year


def snapshot(folder):
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.built
def test_new_year_2025_carries_the_latest_csa_and_the_latest_action_plan(project, run_cli):
    result = run_cli("new-year", "2025", root=project.root)
    assert result.returncode == 0, result.stderr
    assert "(22 files from 2022, action_plan.yml from 2024)" in result.stdout
    assert "data/2025/county/action_plan.yml: the action plan for 2025/26 (carried over from 2024)" in result.stdout
    assert "csabook validate --year 2025" in result.stdout and "csabook build --year 2025" in result.stdout
    county = project.data / "2025" / "county"
    csa = sorted(p.name for p in (project.data / "2022" / "county").iterdir())
    assert sorted(p.name for p in county.iterdir()) == sorted(csa + ["action_plan.yml", "review.yml"])
    assert (county / "action_plan.yml").read_bytes() == (project.data / "2024/county/action_plan.yml").read_bytes()
    assert (county / "foreword.yml").read_bytes() == (project.data / "2022/county/foreword.yml").read_bytes()
    assert yaml.safe_load((project.params / "2025" / "county.yml").read_text()) == {"year": 2025, "district": "county"}
    assert sorted(p.stem for p in (project.params / "2025").iterdir()) == sorted(
        p.stem for p in (project.params / "2024").iterdir())
    validate = run_cli("validate", "--year", "2025", root=project.root)
    assert validate.returncode == 0, validate.stderr
    build = run_cli("build", "--year", "2025", root=project.root)
    assert build.returncode == 0, build.stderr
    site = project.site / "2025" / "county"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Draft edition" in home and "data/2025/county/action_plan.yml" in home
    toc = yaml.safe_load((project.book / "2025" / "county" / "_toc.yml").read_text(encoding="utf-8"))
    chapters = [c["file"] for part in toc["parts"] for c in part["chapters"] if c["file"] != "provenance"]
    assert set(chapters) == set(toc_files(yaml.safe_load((project.root / "_toc.yml").read_text()))) - {
        "index", "local_priorities", "progress"}  # every CSA chapter and appendix, and the action plan (no returns)
    for chapter in chapters:
        page = (site / f"{chapter}.html").read_text(encoding="utf-8")
        source = 2024 if chapter.startswith("action_plan") else 2022
        assert f"Draft: this content was carried over from {source} and has not been reviewed for 2025." in page, \
            chapter
    editions = (project.site / "index.html").read_text(encoding="utf-8")
    assert 'href="2025/county/index.html"' in editions
    entry = re.search(r'<li class="csa-edition"><h3><a href="2025/county/index.html">(.*?)</li>', editions, re.S).group(1)
    assert '<strong class="csa-tag csa-tag-draft">Draft</strong>' in entry and "still need review" in entry


def test_a_full_year_is_copied_and_marked(project):
    result = scaffold_year(2023, None, project)
    assert result.previous == 2022
    old, new = project.data / "2022" / "county", project.data / "2023" / "county"
    assert sorted(p.name for p in new.iterdir()) == sorted([p.name for p in old.iterdir()] + ["review.yml"])
    review = EditionData(2023, "county", project).get("review")
    assert review.from_year == 2022
    assert [f.file for f in review.files] == sorted(p.name for p in old.iterdir())  # each chapter a draft
    updates = {f.file: f.update for f in review.files}
    assert updates["achievements.yml"] == "the key achievements of 2022/23 (Ch.5) and the period (carried over from 2022)"
    assert updates["plans.csv"] == "Ch.8, the list of plans; check that it still holds for 2023 (carried over from 2022)"
    assert (new / "priorities.yml").read_bytes() == (old / "priorities.yml").read_bytes()
    document = EditionData(2023, "county", project).get("document")
    assert document.date == "April 2023" and document.version == "6.0"
    assert ("data/2023/county/priorities.yml", TO_CHECK_PRIORITIES) in result.check
    assert result.params[0] == "params/2023/county.yml" and "params/2023/dover.yml" in result.params
    assert len(result.params) == 13
    from csabook.validation.edition import validate_edition

    assert validate_edition(2023, "county", project) == []
    assert compare_years(2022, 2023, project=project).changes == []


TO_CHECK_PRIORITIES = "Ch.6, after the annual review of priorities and themes; keep each id, renames included"


@pytest.mark.built
def test_the_explorer_shows_what_still_needs_review(project):
    scaffold_year(2023, 2022, project)
    preview = preview_chapter(2023, "county", "achievements", project)
    html = "".join(preview.outputs)
    assert "Draft: this content was carried over from 2022" in html
    assert "the key achievements of 2022/23 (Ch.5) and the period" in html
    governance = "".join(preview_chapter(2023, "county", "governance", project).outputs)
    assert "Ch.4, if the named responsible authorities changed; check that it still holds for 2023" in governance


def test_reviewed_entries_can_be_removed_and_bad_entries_are_named(project, run_cli):
    scaffold_year(2023, 2022, project)
    path = project.data / "2023" / "county" / "review.yml"
    review = yaml.safe_load(path.read_text(encoding="utf-8"))
    review["files"] = [f for f in review["files"] if f["file"] != "foreword.yml"]
    review["files"].append({"file": "nothing.yml", "update": "x"})
    path.write_text(yaml.safe_dump(review), encoding="utf-8")
    (project.data / "2023" / "county" / "morile.csv").unlink()
    result = run_cli("validate", "--year", "2023", root=project.root)
    assert result.returncode == 1
    names = [f["file"] for f in review["files"]]
    assert (f"data/2023/county/review.yml:files[{names.index('morile.csv')}].file: 'morile.csv' is not in this "
            "folder") in result.stderr
    assert (f"data/2023/county/review.yml:files[{names.index('nothing.yml')}].file: 'nothing.yml' is not a data "
            "file") in result.stderr
    path.unlink()
    shutil.copy2(project.data / "2022" / "county" / "morile.csv", project.data / "2023" / "county" / "morile.csv")
    assert run_cli("validate", "--year", "2023", root=project.root).returncode == 0


def test_new_year_never_overwrites(project, run_cli):
    scaffold_year(2023, 2022, project)
    before = snapshot(project.root)
    for args, message in [
        (("2023",), "data/2023 already exists; new-year never overwrites a year"),
        (("2022", "--from", "2021"), "data/2022 already exists"),
        (("2021", "--from", "2022"), "--from 2022 is not before 2021"),
        (("2026", "--from", "2010"), "data/2010/county does not exist or is empty; expected a year with county data"),
        (("2001",), "no year before 2001 has county data to start from"),
        (("99999",), "argument YEAR: '99999' is not a year of four digits from 2000 to 2099"),
        (("1900",), "argument YEAR: '1900' is not a year of four digits from 2000 to 2099"),
    ]:
        result = run_cli("new-year", *args, root=project.root)
        assert result.returncode in (1, 2), (args, result.stdout)  # 2: argparse refused the argument
        assert message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
    assert snapshot(project.root) == before


def test_params_of_an_existing_year_are_not_overwritten(project, run_cli):
    (project.params / "2026").mkdir()
    (project.params / "2026" / "county.yml").write_text("year: 2026\ndistrict: county\n", encoding="utf-8")
    result = run_cli("new-year", "2026", root=project.root)
    assert result.returncode == 1
    assert "params/2026 already exists" in result.stderr
    assert not (project.data / "2026").exists()


def test_an_invalid_previous_year_is_refused(project, run_cli):
    path = project.data / "2022" / "county" / "contact.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("telephone:", "phone:"), encoding="utf-8")
    result = run_cli("new-year", "2023", root=project.root)
    assert result.returncode == 1
    assert "data/2022/county/contact.yml" in result.stderr and "unknown key 'phone'" in result.stderr
    assert not (project.data / "2023").exists() and not (project.params / "2023").exists()


def test_district_overlays_are_copied_and_marked(project):
    overlay = project.data / "2022" / "districts" / "dover"
    overlay.mkdir(parents=True)
    (overlay / "contact.yml").write_text((project.data / "2022/county/contact.yml").read_text(encoding="utf-8"),
                                         encoding="utf-8")
    result = scaffold_year(2023, 2022, project)
    assert ("data/2023/districts/dover/contact.yml", "the district's own content for 2023") in result.review
    preview = preview_chapter(2023, "dover", "contact", project)
    assert "data/2023/districts/dover/contact.yml" in "".join(preview.outputs)


def test_help_names_the_options(run_cli):
    result = run_cli("new-year", "--help")
    assert result.returncode == 0 and "--from PREV" in result.stdout
