"""The command line: selection errors, edition listing, and a failing cell's message."""

import pytest
import nbformat


def test_editions_lists_the_county_2022_edition(run_cli):
    result = run_cli("editions")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("2022/county\tKent county edition 2022")


def test_unknown_year_lists_valid_years(run_cli):
    result = run_cli("build", "--year", "1999")
    assert result.returncode == 1
    assert "unknown year '1999'; expected one of: all, 2022" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_district_lists_valid_districts_and_writes_nothing(project, run_cli):
    for bad in ("nowhere", "../../etc", "county "):
        result = run_cli("build", "--district", bad, root=project.root)
        assert result.returncode == 1, result.stdout
        assert f"unknown district {bad!r}; expected one of: all, county" in result.stderr
    assert not project.build.exists() and not project.book.exists()


def test_validate_succeeds_on_the_shipped_data(run_cli):
    result = run_cli("validate", "--year", "2022")
    assert result.returncode == 0, result.stderr
    assert "OK: 1 edition(s) valid: 2022/county" in result.stdout


@pytest.mark.built
def test_failing_cell_names_edition_chapter_cell_and_kept_notebook(project, run_cli):
    path = project.notebooks / "version_control.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise ValueError('broken on purpose')"))
    nb.cells[-1]["id"] = "broken"
    nbformat.write(nb, path)
    result = run_cli("build", "--year", "2022", root=project.root)
    assert result.returncode == 1
    message = result.stderr
    assert ("2022/county: chapter 'version_control' failed in cell 6 (rendering data/2021/county/priority_list.yml, "
            "data/2022/county/priorities.yml, data/2022/county/version_control.yml): ValueError: broken on purpose"
            ) in message
    kept = project.book / "2022" / "county" / "version_control.ipynb"
    assert f"kept at {kept.relative_to(project.root)}" in message
    assert kept.is_file()
    assert "Traceback" not in message
    assert not (project.site / "2022" / "county").exists()
