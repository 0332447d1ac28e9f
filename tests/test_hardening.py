"""Hostile and malformed data: refused by validate with one line naming the file and key, or made harmless.

Each test reproduces one finding of the hardening review: text that reached a page or the PDF by a route other
than the narrative renderer, input that made reading or parsing unbounded, and YAML that turned silently into
other values.
"""

from __future__ import annotations

import json
import os
import shutil
import re
import subprocess
import sys
import textwrap

import pytest
import yaml

from csabook import cli
from csabook.errors import Problem, printable
from csabook.pipeline.pdf import print_links
from csabook.html.primitives import inline, markdown
from csabook.model.readers import read_yaml
from csabook.model.timescales import parse_timescale

C = "data/2022/county/"


@pytest.fixture
def validate(project, monkeypatch, capsys):
    """Run `csabook validate [args]` in this process against the test project: (exit code, stderr)."""
    monkeypatch.setenv("CSABOOK_ROOT", str(project.root))

    def run(*args):
        code = cli.main(["validate", *args])
        out = capsys.readouterr()
        return code, out.err
    return run


def edit(project, name: str, old: str, new: str) -> None:
    path = project.data / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def add_paragraph(project, text: str, name: str = "2022/county/foreword.yml") -> None:
    """Put `text` as the first paragraph of a chapter, written as a YAML double-quoted string."""
    edit(project, name, "paragraphs:\n", "paragraphs:\n  - " + yaml.safe_dump(text, width=10**9).split("\n...")[0]
         .strip() + "\n")


# Injection ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Dover <img src=x onerror=alert(1)>", "Dover {% if 1 %}x{% endif %}",
                                  "Dover {{ 7*7 }}", "Dover `x`", "Dover &lt;b&gt;", "[Dover](https://example.org)"])
def test_markup_in_a_district_name_is_refused(project, validate, name):
    edit(project, "register.yml", 'name: "Dover"', f"name: {json.dumps(name)}")
    code, err = validate()
    assert code == 1
    assert "data/register.yml:line 9 (districts.3.name):" in err, err
    assert "is not allowed here; expected plain text" in err, err


def test_an_ampersand_in_a_name_is_allowed(validate):
    code, err = validate()  # the register holds "Folkestone & Hythe" and "Tonbridge & Malling"
    assert code == 0, err


def test_the_theme_prints_the_title_escaped_once():
    from markupsafe import Markup

    from csabook.pipeline.sphinxext import _escape_titles

    context = {"docstitle": "Kent CSA 2022 – Folkestone & Hythe <b> edition", "shorttitle": "x"}
    _escape_titles(None, "index", "page.html", context, None)
    assert context["docstitle"] == "Kent CSA 2022 – Folkestone &amp; Hythe &lt;b&gt; edition"
    assert isinstance(context["docstitle"], Markup)
    from markupsafe import escape

    assert escape(context["docstitle"]) == context["docstitle"]  # a template's |e does not escape it twice


@pytest.mark.parametrize("target", ["../../../../../../etc/passwd", "//files.example.net/share/x", "x", "./notes.pdf",
                                    "C:/x", "ftp://example.org/x"])
def test_links_to_anything_but_the_web_mail_or_the_book_are_refused(project, validate, target):
    add_paragraph(project, f"See [the annex]({target}) for more.")
    code, err = validate()
    assert code == 1
    assert f"{C}foreword.yml:line 4 (paragraphs.0): the link target '{target}' is not allowed" in err, err


@pytest.mark.parametrize("target", ["https://www.gov.uk/x", "mailto:someone@example.org", "#s6-1",
                                    "appendix_a.html", "appendix_a.html#table-x"])
def test_links_to_the_web_mail_or_the_book_are_allowed(project, validate, target):
    add_paragraph(project, f"See [the annex]({target}) for more.")
    assert validate() == (0, "")


@pytest.mark.parametrize("target", ["../../etc/passwd", "//files.example.net/share/x", "x"])
def test_the_renderer_drops_link_targets_the_rule_refuses(target):
    assert inline(f"[t]({target})") == '<a rel="noopener noreferrer">t</a>'
    assert "href" not in markdown(f"see <{target}> and [t]({target})").markup


def test_the_printed_document_has_no_link_to_the_build_machine():
    body = ('<a href="x">a</a> <a href="//h/s">b</a> <a href="../../../etc/passwd">c</a> <a href="file:///etc/x">d</a>'
            ' <a href="https://www.gov.uk/a?b=1&amp;c=2">e</a> <a href="appendix_a.html#t">f</a> <a href="#s6-1">g</a>')
    assert print_links(body) == ('<a>a</a> <a>b</a> <a>c</a> <a>d</a> <a href="https://www.gov.uk/a?b=1&amp;c=2">e</a>'
                                 ' <a href="#chapter-appendix_a">f</a> <a href="#s6-1">g</a>')


# Bounded work ---------------------------------------------------------------------------------------------------

GUARDED = textwrap.dedent("""
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (1024 ** 3, 1024 ** 3))  # 1 GB: validate must stay far below it
    from csabook.cli import main
    sys.exit(main(["validate", "--year", "2022"]))
""")


def guarded_validate(project) -> subprocess.CompletedProcess:
    env = {**os.environ, "CSABOOK_ROOT": str(project.root)}
    # the timeout guards against a hang; it is not a limit on how long validation takes
    return subprocess.run([sys.executable, "-c", GUARDED], capture_output=True, text=True, env=env, timeout=120)


BOMB = "".join(f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi"))


def test_an_alias_bomb_is_one_line_within_bounded_memory(project):
    (project.data / "2022/county/contact.yml").write_text("a: &a [x, x, x, x, x, x, x, x, x]\n" + BOMB)
    result = guarded_validate(project)
    assert result.returncode == 1, result.stderr
    problems = [l for l in result.stderr.splitlines() if "contact.yml" in l]
    assert problems == [f"{C}contact.yml:line 1: the value anchored here (&name) is repeated by an alias (*name); "
                        "expected every value written out: anchors and aliases are not supported"], result.stderr


def test_a_400_kb_paragraph_of_emphasis_markers_is_one_line_within_bounded_memory(project):
    add_paragraph(project, "_a" * 200_000)
    result = guarded_validate(project)
    assert result.returncode == 1, result.stderr
    problems = [l for l in result.stderr.splitlines() if "foreword.yml" in l]
    assert problems == [f"{C}foreword.yml:line 4 (paragraphs.0): the text is 400,000 characters long; "
                        "expected at most 10,000 characters"], result.stderr


def test_a_long_timescale_parses_in_linear_time():
    code = "from csabook.model.timescales import parse_timescale; print(parse_timescale('a' * 60_000).kind)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)  # hang guard
    assert result.stdout.strip() == "unparsed", result.stderr


def test_an_impossible_due_date_is_refused_by_validate(project, validate):
    edit(project, "2024/county/action_plan.yml", 'timescale: "Ongoing"', 'timescale: "March 0000"')
    code, err = validate("--year", "2024")
    assert code == 1
    assert "data/2024/county/action_plan.yml:line" in err and ".rows.0.timescale): 'March 0000' names the year 0; " \
           "expected a year from 2000 to 2099" in err, err
    assert parse_timescale("Dec ‘24 Mar ‘25").due.isoformat() == "2025-03-31"


# YAML -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, where", [
    ("x: &a [*a]\n", "line 1: the value anchored here"),
    ("x: " + "[" * 3000 + "]" * 3000 + "\n", "line 1: the data nests more than 40 levels deep"),
    ("source: {document: kent-csa-2022}\nbase: &b {t: 1}\nx:\n  <<: *b\n", "line 4: the merge key '<<' is used"),
    ("source: {document: kent-csa-2022}\nx:\n  <<: {t: 1}\n", "line 3: the merge key '<<' is used; expected the "
                                                              "keys written out in full"),
    ('title: "Contact\nemail: x@example.org\ntelephone: "1"\n', "line 1: invalid YAML: a quoted value is not "
                                                                "closed on its line (the parser stopped at line 3); "
                                                                "expected the closing quote on that line"),
    ('email: "x@example.org\n', "line 1, column 8: invalid YAML: a quoted value is not closed; expected the "
                                 "closing quote on its line"),
])
def test_yaml_that_would_expand_recurse_or_mislead_is_one_line(project, validate, text, where):
    (project.data / "2022/county/contact.yml").write_text(text, encoding="utf-8")
    code, err = validate()
    assert code == 1
    assert f"{C}contact.yml:{where}" in err, err
    assert "Traceback" not in err


def test_yaml_1_1_forms_stay_as_written(tmp_path):
    path = tmp_path / "x.yml"
    path.write_text("a: 1:20\nb: 010\nc: 0x1F\nd: yes\ne: 2022-04-01\nf: 12\ng: 1.5\nh: true\ni: null\n")
    assert read_yaml(path, "x.yml").content == {"a": "1:20", "b": "010", "c": "0x1F", "d": "yes", "e": "2022-04-01",
                                                "f": 12, "g": 1.5, "h": True, "i": None}


def test_a_csv_saved_by_excel_with_a_byte_order_mark_is_read(project, validate):
    path = project.data / "2022/county/morile.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert validate() == (0, "")


# Text -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["\\x1b[2K\\rOK", "a\\0b", "\\x07"])
def test_control_characters_are_refused_even_as_yaml_escapes(project, validate, raw):
    edit(project, "2022/county/foreword.yml", "paragraphs:\n", f'paragraphs:\n  - "before {raw} after"\n')
    code, err = validate()
    assert code == 1
    assert f"{C}foreword.yml:line 4 (paragraphs.0): the text holds the control character U+00" in err, err


def test_a_nul_byte_in_a_csv_cell_is_refused(project, validate):
    path = project.data / "2022/county/plans.csv"
    path.write_bytes(path.read_bytes().replace(b"Kent", b"Ke\x00nt", 1))
    code, err = validate()
    assert code == 1
    assert f"{C}plans.csv:line 2 (row 1, column plan): the text holds the control character U+0000" in err, err


def test_a_template_placeholder_left_in_an_overlay_is_refused(project, validate):
    overlay = project.data / "2022/districts/dover"
    overlay.mkdir(parents=True)
    template = (project.root / "data/district-template/foreword.yml")
    (overlay / "foreword.yml").write_text(template.read_text(encoding="utf-8"), encoding="utf-8")
    code, err = validate("--year", "2022", "--district", "dover")
    assert code == 1
    assert "data/2022/districts/dover/foreword.yml:line" in err
    assert "a 'REPLACE:' placeholder from the district template is still here" in err, err


# Terminal -------------------------------------------------------------------------------------------------------


def test_a_problem_is_one_line_with_control_characters_escaped():
    p = Problem("data/x.yml", "date", "'\x1b[2K\rOK: fake\u202e' is wrong", "a date\nsecond line")
    assert str(p) == "data/x.yml:date: '\\x1b[2K\\rOK: fake\\u202e' is wrong; expected a date\\nsecond line"
    assert printable("a\tb\nc\x07", keep="\n\t") == "a\tb\nc\\x07"


def test_data_text_reaching_the_terminal_cannot_drive_it(project, validate):
    code, err = validate("--district", "\x1b[2J\x1b[1AOK")
    assert code == 1
    assert "\x1b" not in err and "\\x1b[2J\\x1b[1AOK" in err, err


# Tables ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, key", [("appendix_a.csv", "issue"), ("plans.csv", "plan"),
                                       ("leads.csv", "priority_id, lead"), ("morile.csv", "issue")])
def test_a_repeated_row_is_refused_naming_both_lines(project, validate, name, key):
    path = project.data / "2022/county" / name
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:2] + lines[1:]), encoding="utf-8")  # the first row again, on line 3
    code, err = validate()
    assert code == 1
    assert f"{C}{name}:line 3: {key} '" in err and "' repeats line 2; expected each row once" in err, err


def test_a_misspelt_priority_name_in_the_leads_table_is_refused(project, validate):
    edit(project, "2022/county/leads.csv", "road-safety,Road Safety,", "road-safety,Road Safty,")
    code, err = validate()
    assert code == 1
    assert (f"{C}leads.csv:row 8 (priority): 'Road Safty' is not the name of priority 'road-safety'; "
            f"expected 'Road Safety' (from {C}priorities.yml)") in err, err


def test_the_column_headings_match_the_columns_the_chapter_shows(project, validate):
    edit(project, "2022/county/leads.yml", 'columns: ["Priority", "Lead"]', 'columns: ["Lead"]')
    code, err = validate()
    assert code == 1
    assert f"{C}leads.yml:line 6 (columns): 1 column heading(s); expected 2, one for each column its chapter shows" \
           in err, err


# Names derived from data ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("caption, name", [
    ("Lead officers for each priority", "lead-officers-for-each-priority"),
    ("表", "t-"), ("Таблица", "t-"), ("A" * 300, "a" * 53 + "-"),
])
def test_download_names_are_bounded_slugs_with_a_stable_fallback(caption, name):
    from csabook.model.markup import SLUG_LIMIT, slug

    assert slug(caption).startswith(name) and len(slug(caption)) <= SLUG_LIMIT
    assert slug(caption) == slug(caption) and slug(caption + "x") != slug(caption)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug(caption))


def test_two_appendix_e_headings_with_one_download_name_are_refused(project, validate):
    path = project.data / "2022/county/appendix_e.yml"
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    first = content["tables"][0]["heading"]
    content["tables"][1]["heading"] = first.upper() + ":"
    path.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8")
    code, err = validate()
    assert code == 1
    assert (f"{C}appendix_e.yml:tables.{content['tables'][1]['id']}.heading: '{first.upper().rstrip(':')}' has the "
            f"download name of '{first.rstrip(':')}'") in err, err


def test_chart_labels_are_never_parsed_as_mathtext():
    from csabook.figures.charts import bar_chart

    svg = bar_chart(["$$ and $a^$", "cost $5"], [1, 2], "count", "alt")
    assert "$$ and $a^$" in svg


# Files ----------------------------------------------------------------------------------------------------------


def test_a_deleted_chapter_file_of_a_csa_year_is_refused(project, validate):
    (project.data / "2022/county/foreword.yml").unlink()
    code, err = validate()
    assert code == 1
    assert (f"{C}foreword.yml: the file is missing; expected every file of a CSA year (the folder holds "
            "document.yml)") in err, err


def test_a_folder_where_a_data_file_belongs_is_refused(project, validate):
    path = project.data / "2022/county/foreword.yml"
    path.unlink()
    path.mkdir()
    code, err = validate()
    assert code == 1
    assert f"{C}foreword.yml: this is a folder or a special file, not a data file" in err, err


def test_a_data_file_linking_outside_the_project_is_neither_read_nor_shown(project, validate, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    secret = outside / "secret.yml"
    secret.write_text("title: a line that must not be echoed\n", encoding="utf-8")
    path = project.data / "2022/county/contact.yml"
    path.unlink()
    path.symlink_to(secret)
    code, err = validate()
    assert code == 1
    assert f"{C}contact.yml: the file is a link to a file outside the project" in err, err
    assert "must not be echoed" not in err and str(outside) not in err


def test_an_unreadable_data_file_is_one_line(project, validate, monkeypatch):
    import pathlib

    read = pathlib.Path.read_bytes

    def refuse(self):  # as a file without read permission does for a user who is not root
        if self.name == "contact.yml":
            raise PermissionError(13, "Permission denied", str(self))
        return read(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", refuse)
    code, err = validate()
    assert code == 1
    assert f"{C}contact.yml: the file cannot be read (Permission denied); expected a readable regular file" in err, err


def test_a_chapter_template_that_is_not_json_is_one_line(project, validate):
    (project.notebooks / "foreword.ipynb").write_text('{"cells": [', encoding="utf-8")
    code, err = validate()
    assert code == 1
    assert "notebooks/foreword.ipynb: the chapter template is not a readable notebook (" in err, err
    assert "Traceback" not in err


# Years, parameters and the project folder -------------------------------------------------------------------------


@pytest.mark.parametrize("args", [["new-year", "3025"], ["params", "--year", "1"], ["diff", "²⁰²²", "2024"],
                                  ["new-year", "２０２５"]])
def test_years_are_four_ascii_digits_in_range_on_the_command_line(project, monkeypatch, capsys, args):
    monkeypatch.setenv("CSABOOK_ROOT", str(project.root))
    with pytest.raises(SystemExit) as exit:
        cli.main(args)
    assert exit.value.code == 2
    assert "is not a year of four digits from 2000 to 2099" in capsys.readouterr().err
    assert not (project.params / "1").exists() and not (project.data / "3025").exists()


@pytest.mark.parametrize("year", ["２０２２", "²⁰²²"])
def test_a_year_folder_in_other_digits_is_reported_not_read_as_a_year(project, validate, year):
    shutil.copytree(project.data / "2022", project.data / year)
    code, err = validate()
    assert code == 1
    assert f"data/{year}: not a year folder; expected a year of four digits from 2000 to 2099" in err, err
    assert validate("--year", year)[1].startswith(f"error: unknown year {year!r}")


def test_params_for_a_year_without_data_are_refused(project, monkeypatch, capsys, validate):
    monkeypatch.setenv("CSABOOK_ROOT", str(project.root))
    assert cli.main(["params", "--year", "2030"]) == 1
    assert "no county data for the year 2030" in capsys.readouterr().err
    assert not (project.params / "2030").exists()
    (project.params / "2030").mkdir()
    (project.params / "2030" / "county.yml").write_text("year: 2030\ndistrict: county\n", encoding="utf-8")
    code, err = validate("--year", "all")
    assert code == 1
    assert "params/2030/county.yml: there is no data for 2030; expected data/2030/county/ to exist" in err, err


def test_a_register_slug_is_bounded(project, validate):
    edit(project, "register.yml", "slug: dover,", f"slug: {'d' * 300},")
    code, err = validate()
    assert code == 1
    assert ("data/register.yml:line 9 (districts.3.slug): the text is 300 characters long; expected at most 40 "
            "characters") in err, err


@pytest.mark.parametrize("root, state", [("missing", "does not exist"), ("file", "is not a folder")])
def test_a_wrong_project_folder_is_named_with_its_variable(tmp_path, root, state):
    path = tmp_path / root
    if root == "file":
        path.write_text("x")
    env = {**os.environ, "CSABOOK_ROOT": str(path)}
    result = subprocess.run([sys.executable, "-m", "csabook", "validate"], capture_output=True, text=True, env=env)
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: CSABOOK_ROOT={path} {state}; expected a csabook project folder"), \
        result.stderr


def test_the_fictional_example_is_never_counted_among_the_district_csps(project):
    from csabook.model.loader import EditionData
    from csabook.model.districts import load_register
    from csabook.content.returns import appendix_a_counts, district_count, district_returns
    from tests.test_districts import add_example  # exactly what the example's README says to do

    add_example(project)
    assert "examplebury" in [d.slug for d in load_register(project).districts]
    for edition in ("county", "examplebury"):
        data = EditionData(2022, edition, project)
        assert district_returns(data) == {} and district_count(data) == 12
        _, source = appendix_a_counts(data)
        assert source == "Source: the published county table of the Community Safety Agreement.", source


# Source documents -------------------------------------------------------------------------------------------------


def test_a_new_source_document_is_declared_in_data_not_in_code(project, validate):
    edit(project, "2022/county/foreword.yml", 'document: "kent-csa-2022"', 'document: "kent-csa-2025"')
    code, err = validate()
    assert code == 1
    assert (f"{C}foreword.yml:line 1 (source.document): 'kent-csa-2025' is not a declared source document; "
            "expected one of kent-csa-2022, kent-csa-action-plan-2024-25, local (see data/documents.yml)") in err, err
    with open(project.data / "documents.yml", "a", encoding="utf-8") as documents:
        documents.write('  - {id: kent-csa-2025, title: "A FICTIONAL test document"}\n')
    assert validate() == (0, "")


def test_a_table_row_names_a_declared_source_document(project, validate):
    edit(project, "2022/county/plans.csv", ",kent-csa-2022,", ",kent-csa-1999,")
    code, err = validate()
    assert code == 1
    assert f"{C}plans.csv:row 1 (source): 'kent-csa-1999' is not a declared source document" in err, err
