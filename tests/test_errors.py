"""Malformed data fails with one clear line per problem: the file, the place, and what was expected."""

import pytest

from csabook.validation.edition import validate_edition


def edit(project, name, old, new):
    path = project.data / "2022" / "county" / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def messages(project):
    return [str(p) for p in validate_edition(2022, project=project)]


def test_missing_csv_column_names_file_and_column(project):
    edit(project, "leads.csv", "priority_id,", "")
    (problem,) = [m for m in messages(project) if "missing column" in m]
    assert problem.startswith("data/2022/county/leads.csv:line 1: missing column 'priority_id'")


def test_cli_reports_missing_column_without_traceback(project, run_cli):
    edit(project, "appendix_a.csv", "issue,csps", "issue,count")
    result = run_cli("validate", root=project.root)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "data/2022/county/appendix_a.csv:line 1: missing column 'csps'" in result.stderr
    assert "Traceback" not in result.stderr


def test_build_refuses_invalid_data_before_executing(project, run_cli):
    edit(project, "appendix_a.csv", "issue,csps", "issue,count")
    result = run_cli("build", "--year", "2022", root=project.root)
    assert result.returncode == 1
    assert "missing column 'csps'" in result.stderr
    assert not (project.book / "2022").exists()
    assert not (project.site / "2022").exists()


@pytest.mark.parametrize(
    "name, old, new, expected",
    [
        ("foreword.yml", 'title: "Foreword"', 'title: "Foreword"\ntitle: "Again"', "duplicate key 'title'"),
        ("foreword.yml", 'title: "Foreword"', 'title: "Foreword"\n\ttab: 1', "tab"),
        ("contact.yml", 'telephone:', 'phone:', "unknown key 'phone'"),
        ("appendix_a.csv", ",12,", ",twelve,", "line 2 (row 1, column csps)"),
        ("morile.csv", "\n2,", "\n3,", "ranks"),
        ("leads.csv", "domestic-abuse,", "nowhere,", "'nowhere' is not a priority of 2022"),
        ("plans.csv", "\n", "\nextra,cell,too,many\n", "row has 4 cells"),
    ],
)
def test_malformed_data_is_located(project, name, old, new, expected):
    edit(project, name, old, new)
    found = messages(project)
    assert any(name in m and expected in m for m in found), found


def test_byte_order_mark_and_encoding(project):
    path = project.data / "2022" / "county" / "contact.yml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # UTF-8 with a byte-order mark is read
    utf16 = project.data / "2022" / "county" / "morile.csv"
    utf16.write_bytes(utf16.read_text(encoding="utf-8").encode("utf-16"))
    bad = project.data / "2022" / "county" / "plans.csv"
    bad.write_bytes(bad.read_bytes().replace(b"Vision for Kent", b"Vision for K\xe9nt"))
    found = messages(project)
    assert not any("contact.yml" in m for m in found), found
    assert any("morile.csv:line 1: the file is UTF-16 text" in m for m in found), found
    assert any("plans.csv:line 2: byte 0xe9 is not valid UTF-8" in m for m in found), found


def test_empty_file_and_unknown_file(project):
    (project.data / "2022" / "county" / "foreword.yml").write_text("", encoding="utf-8")
    (project.data / "2022" / "county" / "leads.cvs").write_text("x", encoding="utf-8")
    found = messages(project)
    assert any("foreword.yml:line 1: the file is empty" in m for m in found), found
    assert any("leads.cvs: unknown data file" in m for m in found), found


def test_every_problem_is_reported_not_just_the_first(project):
    edit(project, "contact.yml", "telephone:", "phone:")
    edit(project, "leads.csv", "priority_id,", "")
    found = messages(project)
    assert any("contact.yml" in m for m in found) and any("leads.csv" in m for m in found), found
