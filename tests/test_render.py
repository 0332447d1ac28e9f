"""Rendering: untrusted text never becomes markup; tables and figures are accessible and deterministic."""

import re

import pandas as pd
import pytest

from csabook.figures import charts

from csabook.html import primitives as html

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<iframe src=https://example.org></iframe>",
    "<style>body{display:none}</style>",
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
]


def real_tags(markup):
    """(tag, attributes) of every element in the markup; escaped text (&lt;...) is not an element."""
    return re.findall(r"<([a-zA-Z][\w-]*)([^>]*)>", markup)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_narrative_payloads_are_inert(payload):
    out = html.markdown(f"Text {payload} more").markup
    for tag, attributes in real_tags(out):
        assert tag in html.ALLOWED_TAGS, out
        assert not re.search(r"\son\w+\s*=", attributes, re.I), out
        assert not re.search(r"(href|src)\s*=\s*\"?\s*(javascript|data):", attributes, re.I), out


def test_markdown_keeps_emphasis_lists_and_links():
    out = html.markdown("Some *emphasis*, **bold** and [a link](https://www.gov.uk/x).").markup
    assert "<em>emphasis</em>" in out and "<strong>bold</strong>" in out
    assert '<a href="https://www.gov.uk/x" rel="noopener noreferrer">a link</a>' in out


def test_table_escapes_cells_and_has_header_cells():
    frame = pd.DataFrame({"Issue": ["<b>x</b>", "y"], "Count": [1, 2]})
    out = html.table(frame, "A <caption>", numeric=["Count"]).markup
    assert '<th scope="col">Issue</th>' in out and "<caption>A &lt;caption&gt;</caption>" in out
    assert "&lt;b&gt;x&lt;/b&gt;" in out and "<b>" not in out
    assert out.count("<tr>") == 3


def test_figures_are_deterministic_svg_with_alt_text():
    first = charts.bar_chart(["A", "B"], [2, 1], "count", "Chart of A 2 and B 1")
    second = charts.bar_chart(["A", "B"], [2, 1], "count", "Chart of A 2 and B 1")
    assert first == second
    assert first.startswith('<svg role="img" aria-label="Chart of A 2 and B 1"')
    assert "<title>Chart of A 2 and B 1</title>" in first
    assert "Date" not in first and "<metadata>" not in first


def test_alt_text_is_escaped():
    svg = charts.bar_chart(["A"], [1], "n", 'Alt "with" <script>')
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_a_cross_reference_must_name_a_page_of_the_edition(project):
    from csabook.validation.edition import validate_edition

    intro = project.data / "2022" / "county" / "introduction.yml"
    text = intro.read_text(encoding="utf-8")
    assert "[version control (page 4)](version_control.html)" in text  # the published wording, linked
    intro.write_text(text.replace("(version_control.html)", "(appendix_z.html)"), encoding="utf-8")
    problems = validate_edition(2022, "county", project)
    assert len(problems) == 1 and problems[0].file == "data/2022/county/introduction.yml", problems
    assert "the link to 'appendix_z.html' names a page this edition does not have" in problems[0].message
    assert "version_control.html" in problems[0].expected
