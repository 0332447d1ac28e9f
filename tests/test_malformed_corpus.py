"""A corpus of malformed data: each case exits non-zero, names the file and place, and leaves the site untouched."""

import hashlib

import pytest

C = "data/2022/county/"

# (file, text to find, replacement, what the message must contain)
CASES = [
    ("foreword.yml", 'title: "Foreword"', 'title: "Foreword"\ntitle: "x"', "line 3: duplicate key 'title'"),
    ("foreword.yml", 'title: "Foreword"', 'title: "Foreword"\n\tx: 1', "a tab character"),
    ("foreword.yml", 'title: "Foreword"', 'title: [unclosed', "invalid YAML"),
    ("foreword.yml", "signatory:", "signatory_name:", "unknown key 'signatory_name'"),
    ("foreword.yml", 'title: "Foreword"\n', "", "missing key 'title'"),
    ("contact.yml", "telephone:", "phone:", "unknown key 'phone'"),
    ("contact.yml", 'email: "', 'email: "@@', "(email): value"),
    ("document.yml", 'date: "April 2022"', 'date: "April 2021"', "does not name 2022"),
    ("document.yml", 'document: "kent-csa-2022"', 'document: "somewhere"', "(source.document)"),
    ("version_control.yml", 'version: "2.0"', 'version: "1.0"', "duplicate version '1.0'"),
    ("version_control.yml", 'version: "2.0"', 'version: "two"', "(versions.1.version)"),
    ("introduction.yml", 'number: "1.2"', 'number: "7.2"', "does not belong to chapter 1"),
    ("introduction.yml", 'number: "1.2"', 'number: "1.1"', "duplicate section number"),
    ("governance.yml", 'id: "kcst"', 'id: "KCST team"', "(bodies.4.id)"),
    ("priorities.yml", 'id: "road-safety"', 'id: "domestic-abuse"', "duplicate priority or theme id"),
    ("appendix_c.yml", 'name: "Political"', 'name: "Politics?"', "out of PESTELO order"),
    ("appendix_c.yml", 'label: "recent"', 'label: "soon"', "(categories.5.groups.0.label)"),
    ("appendix_e.yml", '"Road Safety"', '"Road Safety Now"', "differs from the priorities"),
    ("achievements.yml", 'period: "2021/22"', 'period: [2021, 22]', "(period)"),
    ("leads.csv", "priority_id,", "", "line 1: missing column 'priority_id'"),
    ("leads.csv", "domestic-abuse,", "nowhere,", "'nowhere' is not a priority of 2022"),
    ("leads.csv", "priority_id,priority", "priority_id;priority", "missing column 'priority'"),
    ("appendix_a.csv", "issue,csps", "issue,count", "missing column 'csps'"),
    ("appendix_a.csv", ",12,", ",twelve,", "line 2 (row 1, column csps)"),
    ("appendix_a.csv", ",12,", ",13,", "line 2 (row 1, column csps)"),
    ("appendix_a.csv", "kent-csa-2022,25", "kent-csa-2022,0", "(row 1, column page)"),
    ("morile.csv", "\n2,", "\n3,", "column rank"),
    ("morile.csv", "rank,issue,source,page", "rank,issue,source,page,extra", "unknown column 'extra'"),
    ("plans.csv", "\n", "\nextra,cell,too,many\n", "line 2: row has 4 cells"),
    ("plans.csv", "\n", '\n"unclosed,kent-csa-2022,23\n', "plans.csv"),
    ("plans.csv", "plan,source,page", "plan,plan,source,page", "column 'plan' appears more than once"),
]


def snapshot(folder):
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def published(project):
    """A stand-in for the last good site: any byte change to it would show."""
    site = project.site / "2022" / "county"
    site.mkdir(parents=True)
    (site / "index.html").write_text("<p>last good site</p>", encoding="utf-8")
    (project.site / "index.html").write_text("<p>editions</p>", encoding="utf-8")
    return snapshot(project.site)


def test_corpus_has_at_least_thirty_cases():
    assert len(CASES) >= 30


@pytest.mark.parametrize("name, old, new, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_malformed_case(project, published, run_cli, name, old, new, expected):
    path = project.data / "2022" / "county" / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = run_cli("build", "--year", "2022", root=project.root)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = [l for l in result.stderr.splitlines() if (C + name) in l]
    assert lines, result.stderr
    assert any(expected in l for l in lines), result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(project.site) == published
    assert not (project.book / "2022").exists()


@pytest.mark.parametrize("raw, expected", [
    (b"\xff\xfes\x00o\x00u\x00", "line 1: the file is UTF-16 text"),
    (b"title: \"caf\xe9\"\n", "line 1: byte 0xe9 is not valid UTF-8"),
    (b"", "line 1: the file is empty"),
    (b"- just\n- a list\n", "line 1: the top level is not a mapping"),
])
def test_encoding_and_shape_cases(project, published, run_cli, raw, expected):
    (project.data / "2022" / "county" / "contact.yml").write_bytes(raw)
    result = run_cli("validate", root=project.root)
    assert result.returncode == 1
    assert f"{C}contact.yml:{expected}" in result.stderr, result.stderr
    assert snapshot(project.site) == published
