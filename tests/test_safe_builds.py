"""Safe builds: hostile data text never runs in the browser, and a killed or concurrent build never harms the site."""

import hashlib
import os
import signal
import subprocess
import sys

import nbformat
import pytest
import yaml

from .browser import browser_page, serve
from .conftest import append_cell, run_csabook, small_book

pytestmark = pytest.mark.built  # runs builds or kernels of its own

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "<iframe src=javascript:alert(1)></iframe>",
    "<svg onload=alert(1)>",
    "<style>body{display:none}</style>",
    '<a href="javascript:alert(1)">link</a>',
    "[y](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<body onload=alert(1)>",
    '<div onmouseover="alert(1)">hover</div>',
    "<object data=javascript:alert(1)></object>",
    "<embed src=javascript:alert(1)>",
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    "<details open ontoggle=alert(1)>",
    "javascript:alert(1)",
    '"><script>alert(1)</script>',
]

def build(project, *extra):
    """`csabook build --year 2022 [extra]` in this process, against `project`."""
    return run_csabook("--project", project.root, "build", "--year", "2022", *extra)


def snapshot(folder):
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_hostile_text_is_inert_in_the_built_site(project):
    small_book(project)
    county = project.data / "2022" / "county"
    foreword = yaml.safe_load((county / "foreword.yml").read_text(encoding="utf-8"))
    foreword["paragraphs"] = [f"Payload {i}: {p}" for i, p in enumerate(PAYLOADS)]
    foreword["signatory"]["name"] = PAYLOADS[0]
    (county / "foreword.yml").write_text(yaml.safe_dump(foreword, allow_unicode=True), encoding="utf-8")
    with open(county / "plans.csv", "a", encoding="utf-8", newline="") as handle:
        handle.write('"<img src=x onerror=alert(1)>",kent-csa-2022,23\n')
    contact = yaml.safe_load((county / "contact.yml").read_text(encoding="utf-8"))
    contact["note"] = PAYLOADS[2] + " " + PAYLOADS[1]
    (county / "contact.yml").write_text(yaml.safe_dump(contact, allow_unicode=True), encoding="utf-8")
    # A template that shows Markdown output: MyST must not pass its raw HTML through.
    append_cell(project, "contact", nbformat.v4.new_code_cell(
        "from IPython.display import Markdown\nMarkdown('<script>alert(2)</script>')", id="markdown-output"))

    result = build(project)
    assert result.returncode == 0, result.stderr
    site = project.site / "2022" / "county"
    for page in ("foreword", "plans", "contact"):
        html = (site / f"{page}.html").read_text(encoding="utf-8")
        assert html.count('class="cell_output') >= 1, page
    foreword_html = (site / "foreword.html").read_text(encoding="utf-8")
    assert "Payload 0: &lt;script&gt;alert(1)&lt;/script&gt;" in foreword_html
    # The table's CSV keeps the text as it is: a CSV is data, never markup.
    plans_csv = site / "_static" / "downloads" / "plans-and-strategies-the-csa-priorities-link-to.csv"
    assert "\n<img src=x onerror=alert(1)>\n" in plans_csv.read_text(encoding="utf-8")
    with serve(project.site) as base, browser_page() as (page, blocked, errors):
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for name in ("foreword", "plans", "contact"):
            page.goto(f"{base}/2022/county/{name}.html")
            page.wait_for_load_state("load")
            found = page.evaluate("""() => {
                const bad = [];
                for (const el of document.querySelectorAll('.cell_output, .cell_output *')) {
                    if (['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'STYLE'].includes(el.tagName)) bad.push(el.tagName);
                    for (const a of el.attributes) {
                        if (a.name.startsWith('on')) bad.push(el.tagName + ' ' + a.name);
                        if (['href', 'src', 'data'].includes(a.name) && /^\\s*(javascript|data):/i.test(a.value)) bad.push(a.value);
                    }
                }
                return bad;
            }""")
            assert found == [], (name, found)
            assert page.locator(".cell_output").count() >= 1
            page.mouse.move(10, 10)
        assert dialogs == []
        page.goto(f"{base}/2022/county/foreword.html")
        assert "Payload 0: <script>alert(1)</script>" in page.inner_text("main")


@pytest.mark.parametrize("moment", ["] plans executed", "] building the site with Jupyter Book"])
def test_killed_build_leaves_the_site_intact_and_the_next_build_works(built_small, moment):
    project = built_small
    site = project.site
    before = snapshot(site)
    env = {**os.environ, "CSABOOK_ROOT": str(project.root)}
    proc = subprocess.Popen([sys.executable, "-m", "csabook", "build", "--year", "2022", "--force"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    for line in proc.stdout:
        if moment in line:  # while notebooks execute, or while Jupyter Book runs
            break
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the build finished before it could be killed"
    assert snapshot(site) == before
    result = build(project)
    assert result.returncode == 0, result.stderr
    assert (site / "2022" / "county" / "contact.html").is_file()
    assert not any((project.build / "staging").glob("2022-*"))


def test_concurrent_builds_wait_for_each_other(project):
    """A build started while another holds the lock waits, then builds. The test holds the lock itself, so the
    order is certain: the build must say it is waiting before the lock is released."""
    from csabook.pipeline.publish import build_lock

    small_book(project)
    env = {**os.environ, "CSABOOK_ROOT": str(project.root)}
    cmd = [sys.executable, "-m", "csabook", "build", "--year", "2022"]
    with build_lock(project, lambda _: None):
        waiting = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        seen = []
        for line in waiting.stderr:  # read until it waits; the build cannot go on while the lock is held
            seen.append(line)
            if "waiting for it to finish" in line:
                break
        assert any("waiting for it to finish" in line for line in seen), "".join(seen)
        assert not (project.site / "2022" / "county").exists()
    out, err = waiting.communicate(timeout=600)
    assert waiting.returncode == 0, err
    assert sorted(p.name for p in (project.site / "2022" / "county").glob("*.html")) == [
        "contact.html", "foreword.html", "genindex.html", "index.html", "plans.html", "provenance.html", "search.html"]


def test_a_sphinx_warning_fails_the_build_and_keeps_the_site(built_small):
    project = built_small
    before = snapshot(project.site)
    append_cell(project, "contact",
                nbformat.v4.new_markdown_cell("See {ref}`a-label-that-does-not-exist`.", id="broken-ref"))
    result = build(project)
    assert result.returncode == 1
    assert "Jupyter Book failed for book/2022/county" in result.stderr
    assert "a-label-that-does-not-exist" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(project.site) == before
