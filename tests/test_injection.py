"""A hostile payload in every text field of every data file: built, then opened page by page in Chromium.

Every string of every YAML and CSV file under data/ gets markup, script, template syntax and links appended (fields
held to a strict form, such as ids, numbers, URLs and dates, keep their values; the register's names, which must be
plain text, get the characters plain text allows). The county, a district and the action-plan editions are built,
and every page is opened with a listener on loopback: no page may request anything from it, open a dialog or hold
an iframe, no template syntax may be evaluated on the way to any output file, and the PDFs link to nothing on the
build machine.
"""

from __future__ import annotations

import csv
import html
import re
import http.server
import io
import threading

import pytest
import yaml

from csabook.paths import get_project
from csabook.model.editions import pdf_name, select_editions
from csabook.pipeline.build import Progress, build_editions

from .browser import browser_session, serve
from .conftest import copy_project

pytestmark = pytest.mark.built  # runs builds or kernels of its own

EDITIONS = ["2022/county", "2022/dover", "2024/county"]
# Fields held to a strict form by their models: their values stay as they are.
STRICT = {"id", "slug", "number", "priority_id", "ref", "url", "email", "document", "file", "version", "period",
          "letter", "from", "to", "label", "date", "effective", "telephone", "timescale", "source", "page", "csps",
          "rank", "pages", "from_year", "identified"}
RETURNS_STRICT = STRICT | {"action", "status", "quarter", "report_date", "date_updated", "agencies"}
PLAIN = {"name", "csp_name", "aliases"}  # in the registers (districts, agencies): plain text
PLAIN_SUFFIX = ' & "Co" \'s\''
REGISTERS = {"register.yml", "agencies.yml"}
# The keys each file must hold as plain text: the registers' names, and what names an edition (its title).
PLAIN_KEYS = {**{name: PLAIN for name in REGISTERS}, "document.yml": {"title", "date"},
              "action_plan.yml": {"title", "status"}}
TEMPLATE = "{% if 1 %}TPL-EVAL{% endif %}"
# Returns on the 2024 plan (made up for this test), so that the progress report shows their text too.
RETURNS = """title: Quarterly returns
quarters:
- quarter: Q1
  report_date: '2024-06-30'
  returns:
  - {action: 1.1-1, status: At risk, commentary: Commentary, updated_by: Officer, agencies: [kcst]}
  - {action: 5.8-1, status: Complete, commentary: Done, agencies: [kent-police]}
"""


def payload(port: int) -> str:
    listener = f"http://127.0.0.1:{port}"
    return (f' <img src="{listener}/img" onerror="fetch(\'{listener}/onerror\')">'
            f' <iframe src="{listener}/iframe"></iframe> <script>fetch("{listener}/script")</script>'
            f' <svg onload="fetch(\'{listener}/svg\')"></svg> <a href="javascript:fetch(\'{listener}/a\')">a</a>'
            f' [js](javascript:fetch("{listener}/js")) [data](data:text/html,x) {TEMPLATE} {{{{ 7*7 }}}}'
            f' <style>body{{background:url({listener}/css)}}</style> **bold** `code` $x$ & "q" \'s\'')


def hostile(value, key, port: int, plain: set, plan: bool = False, strict=STRICT):
    """`value` with the payload appended to every string not held to a strict form (the `plain` keys, which must
    be plain text, get a plain suffix of quotes and an ampersand)."""
    if isinstance(value, dict):
        return {k: hostile(v, k, port, plain, plan, strict) for k, v in value.items()}
    if isinstance(value, list):
        return [hostile(v, key, port, plain, plan, strict) for v in value]
    if not isinstance(value, str) or key in strict:
        return value
    if key in plain:
        return value + PLAIN_SUFFIX
    if plan and key == "lead":  # an action plan's lead names registered agencies ("A / B"), whose names are plain text: as they are changed
        return " / ".join(part + PLAIN_SUFFIX for part in value.split(" / "))
    return value + payload(port)


def make_hostile(root, port: int) -> int:
    """Rewrite every data file under `root`/data; returns the number of strings changed."""
    changed = 0
    for path in sorted((root / "data").rglob("*")):
        if path.suffix == ".yml" and "district-template" not in path.parts:
            content = yaml.safe_load(path.read_text(encoding="utf-8"))
            new = hostile(content, None, port, PLAIN_KEYS.get(path.name, set()), path.name == "action_plan.yml",
                          RETURNS_STRICT if path.name == "quarterly_returns.yml" else STRICT)
            changed += sum(1 for a, b in zip(_strings(content), _strings(new)) if a != b)
            path.write_text(yaml.safe_dump(new, allow_unicode=True, sort_keys=False, width=10**9), encoding="utf-8")
        elif path.suffix == ".csv":
            rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
            out = io.StringIO(newline="")
            writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            for row in rows:
                new = {k: hostile(v, k, port, set()) for k, v in row.items()}
                changed += sum(1 for k in row if row[k] != new[k])
                writer.writerow(new)
            path.write_text(out.getvalue(), encoding="utf-8")
    return changed


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from _strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v)


class _Listener(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.hits.append(self.path)
        self.send_response(204)
        self.end_headers()

    do_POST = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def listener():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Listener)
    server.hits = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory, listener):
    root = copy_project(tmp_path_factory.mktemp("hostile")).root
    (root / "data" / "2024" / "county" / "quarterly_returns.yml").write_text(RETURNS, encoding="utf-8")
    changed = make_hostile(root, listener.server_address[1])
    assert changed > 800, changed  # every text field of every file, not a sample
    project = get_project(root)
    editions = select_editions("all", "county", project) + select_editions(2022, "dover", project)
    summary = build_editions(editions, project, progress=Progress(io.StringIO()))  # one build, all three at once
    assert summary.ok and sorted(summary.built) == sorted(EDITIONS), [f.report() for f in summary.failures]
    return project


def test_every_page_runs_no_script_from_data(hostile_site, listener):
    site = hostile_site.site
    pages = [f"{e}/{p.name}" for e in EDITIONS for p in sorted((site / e).glob("*.html"))] + ["index.html"]
    assert len(pages) > 40 and "2024/county/progress.html" in pages, pages
    dialogs, iframes = [], {}
    with serve(site) as base, browser_session() as (page, record):
        # Eight tabs of one context (whose route blocks and records every off-loopback request): each loads its page
        # and waits for the network to go quiet, the quiet periods overlapping.
        tabs = [page] + [page.context.new_page() for _ in range(7)]
        for tab in tabs:
            tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for start in range(0, len(pages), len(tabs)):
            batch = list(zip(tabs, pages[start:start + len(tabs)]))
            for tab, name in batch:
                tab.goto(f"{base}/{name}", wait_until="load")
            for tab, name in batch:
                tab.wait_for_load_state("networkidle")
                count = tab.locator("iframe").count()
                if count:
                    iframes[name] = count
    assert listener.hits == [], listener.hits
    assert dialogs == [], dialogs
    assert iframes == {}, iframes
    assert record.blocked == [], record.blocked


def test_no_template_syntax_from_data_is_evaluated(hostile_site):
    evaluated = []
    for edition in EDITIONS:
        for path in sorted((hostile_site.site / edition).rglob("*")):
            if path.suffix in (".html", ".js", ".csv", ".json", ".txt", ".ipynb") and path.is_file():
                text = path.read_text(encoding="utf-8", errors="replace")
                if text.count("TPL-EVAL") != text.count("%}TPL-EVAL{%"):
                    evaluated.append(str(path.relative_to(hostile_site.site)))
    assert evaluated == []


def test_the_pdfs_link_to_nothing_on_the_build_machine(hostile_site):
    from pypdf import PdfReader

    targets = []
    for edition in EDITIONS:
        year, district = edition.split("/")
        reader = PdfReader(str(hostile_site.site / edition / pdf_name(year, district)))
        targets += [annot.get_object().get("/A", {}).get("/URI") for p in reader.pages
                    for annot in (p.get("/Annots") or [])]
    targets = [str(t) for t in targets if t]
    assert targets, "the PDFs have no links at all, so this test would prove nothing"
    assert [t for t in targets if not t.startswith(("https://", "http://", "mailto:"))] == []


def test_the_hostile_names_read_as_written_in_the_title(hostile_site):
    front = (hostile_site.site / "2022" / "dover" / "index.html").read_text(encoding="utf-8")
    suffix = " &amp; &#34;Co&#34; &#39;s&#39;"
    name = f"Kent Community Safety Agreement{suffix} 2022: Dover{suffix} edition"
    assert f"{name}</title>" in front
    assert f'<p class="title logo__title">{name}</p>' in front  # the navbar, which printed it unescaped
    h1 = re.search(r'<article class="bd-article">.*?<h1>(.*?)<a class="headerlink"', front, re.S).group(1)
    assert html.unescape(h1.strip()) == html.unescape(f"Dover{suffix}: Kent Community Safety Agreement{suffix} 2022")
