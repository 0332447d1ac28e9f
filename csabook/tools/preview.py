"""`csabook preview`: build one edition without its PDF, serve it on 127.0.0.1, rebuild it when a source changes,
and update the open page by itself.

The edition is built with the build's own pipeline into _build/preview/ (its book, site and Sphinx environments),
never into book/ or _build/site/, with one kernel and one Jupyter Book worker kept for the whole session: a
rebuild executes only what the change affects (the execution cache decides) and Sphinx reads and writes only the
pages that changed. The pages are served with a small live-reload script added as they are sent, so no built file
holds it: it swaps a page's new article in place when nothing else on the page changed, and reloads it otherwise.
When a change makes the data invalid or a chapter fail, the server stays up and the page shows the same one-line
messages as `csabook validate`, until a change fixes it.
"""

from __future__ import annotations

import http.server
import json
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from csabook.errors import CsabookError
from csabook.model.editions import Edition
from csabook.paths import STATIC, Project
from csabook.pipeline.build import Progress, Workers, build_editions, edition_book_dir

PREVIEW = "preview"  # the outputs' folder under _build/
EVENTS = "/__csabook/events"
SCRIPT = "/__csabook/reload.js"
WAIT = 20.0  # seconds a page's request for news is held open when nothing changes
RELOAD_JS = r"""(function () {
  "use strict";
  var version = null;
  // The page's text as served, outside its one <article>, and the article's scripts: a new build that changes
  // only the rest of the article is swapped in place (the theme's scripts and styles stay loaded, and the reader's
  // place on the page is kept). Any other change, or an article with a part that a script sets up when the page
  // loads, reloads the page.
  var served = null;
  var NEEDS_SETUP = /data-csa-filter|class="[^"]*\b(highlight|toggle)/;
  function split(text) {
    var start = text.indexOf("<article"), end = text.indexOf("</article>");
    if (start < 0 || end < start || text.indexOf("<article", start + 1) >= 0) { return null; }
    end += "</article>".length;
    var article = text.slice(start, end);
    return {shell: text.slice(0, start) + text.slice(end), article: article,
            scripts: (article.match(/<script[\s\S]*?<\/script>/g) || []).join("\n")};
  }
  function page() {
    return fetch(location.href, {cache: "no-store"}).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.text();
    });
  }
  function refresh() {
    return page().then(function (text) {
      var next = split(text), article = document.querySelector("article");
      if (!served || !next || !article || next.shell !== served.shell || next.scripts !== served.scripts ||
          NEEDS_SETUP.test(next.article)) {
        location.reload();
        return false;
      }
      var fresh = new DOMParser().parseFromString(text, "text/html").querySelector("article");
      article.replaceWith(document.importNode(fresh, true));
      served = next;
      return true;
    }).catch(function () { location.reload(); return false; });
  }
  function show(problems) {
    var box = document.getElementById("csabook-preview-problems");
    if (!problems.length) { if (box) { box.remove(); } return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "csabook-preview-problems";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;z-index:10000;left:0;right:0;top:0;max-height:60vh;overflow:auto;" +
        "background:#fff4f4;color:#1a1a1a;border-bottom:4px solid #b0281a;padding:0.8em 1.2em;" +
        "font:14px/1.45 system-ui,sans-serif;white-space:pre-wrap;";
      document.body.prepend(box);
    }
    box.textContent = "";
    var head = document.createElement("strong");
    head.textContent = "csabook preview: the last change was not built. This page is the last good build.";
    var list = document.createElement("ul");
    problems.forEach(function (line) {
      var item = document.createElement("li");
      item.textContent = line;  /* data text: never parsed as markup */
      list.append(item);
    });
    box.append(head, list);
  }
  function poll() {
    fetch("%(events)s?since=" + (version === null ? "" : version), {cache: "no-store"})
      .then(function (response) { return response.json(); })
      .then(function (state) {
        var news = version !== null && state.version !== version && !state.problems.length;
        version = state.version;
        return (news ? refresh() : Promise.resolve(true)).then(function (stays) {
          if (!stays) { return; }
          show(state.problems);
          poll();
        });
      })
      .catch(function () { setTimeout(poll, 1000); });
  }
  page().then(function (text) { served = split(text); }).catch(function () {});
  poll();
})();
""" % {"events": EVENTS}
WAITING_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>csabook preview</title></head>
<body><main><h1>csabook preview</h1><p>No good build of this edition yet: the problems are listed above. Fix them and
this page reloads by itself.</p></main></body></html>
"""


class State:
    """What the open pages are told: the number of the last finished build, and its problems (none: it published)."""

    def __init__(self):
        self.version = 0
        self.problems: list[str] = []
        self.changed = threading.Condition()

    def finish(self, problems: list[str]) -> None:
        with self.changed:
            self.version += 1
            self.problems = problems
            self.changed.notify_all()

    def wait(self, since: int | None, timeout: float) -> dict:
        with self.changed:
            if since is not None:
                self.changed.wait_for(lambda: self.version != since, timeout=timeout)
            return {"version": self.version, "problems": list(self.problems)}


def watched(project: Project) -> list[Path]:
    """What a preview watches: the data, the chapter templates, the parameters, the book's templates and csabook's
    own static files."""
    return [p for p in (project.data, project.notebooks, project.params, project.config_template,
                        project.toc_template, STATIC) if p.exists()]


class Preview:
    """One edition, built and served until stop()."""

    def __init__(self, edition: Edition, project: Project, port: int = 8000, out=None):
        self.edition = edition
        self.project = project.outputs(PREVIEW)
        self.state = State()
        self.progress = Progress(out)
        self.workers = Workers.start(self.project, 1)
        self.stopping = threading.Event()
        self.serving = False
        self.server = _server(self, port)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/{self.edition.key}/index.html"

    def build(self) -> list[str]:
        """Build the edition once; returns the problems the page shows (none when it was published)."""
        try:
            summary = build_editions([self.edition], self.project, jobs=1, pdf=False, progress=self.progress,
                                     workers=self.workers)
            problems = [str(p) for p in summary.problems] + [line for f in summary.failures
                                                            for line in f.report().splitlines() if line.strip()]
        except CsabookError as exc:
            problems = [line for line in exc.report().splitlines() if line.strip()]
        self.state.finish(problems)
        self.workers.books.settle()  # its full garbage collection now, while the analyst reads, not in a rebuild
        return problems

    def serve(self) -> None:
        """Serve (in a thread), build, then rebuild on every change until stop()."""
        self.serving = True
        threading.Thread(target=self.server.serve_forever, name="csabook-preview-server", daemon=True).start()
        self.build()
        # The first change finds its kernel started and its Jupyter Book worker practised, even if this build
        # needed neither.
        self.workers.kernels.warm()
        self.workers.books.rehearse(edition_book_dir(self.edition, self.project), self.project)
        self.watch()

    def watch(self) -> None:
        from watchfiles import watch

        for _ in watch(*watched(self.project), stop_event=self.stopping,
                       debounce=50, step=20, rust_timeout=500, yield_on_timeout=False):
            if self.stopping.is_set():
                break
            self.build()

    def stop(self) -> None:
        """Stop watching and serving, and end the kernel and the Jupyter Book worker."""
        self.stopping.set()
        if self.serving:  # shutdown() waits for the serving loop to end: one never started would never end
            self.server.shutdown()
        self.server.server_close()
        self.workers.close()


def _server(preview: Preview, port: int) -> http.server.ThreadingHTTPServer:
    site = preview.project.site

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(site), **kwargs)

        def log_message(self, *args):
            pass

        def end_headers(self):
            # Sphinx and the theme name each style sheet and script with its checksum (?v=..., ?digest=...): the
            # browser may keep those across reloads, so a reload after a save fetches the page and little else.
            if "?v=" in self.path or "?digest=" in self.path:
                self.send_header("Cache-Control", "max-age=3600")
            super().end_headers()

        def do_GET(self):
            url = urlparse(self.path)
            if url.path == EVENTS:
                since = parse_qs(url.query).get("since", [""])[0]
                state = preview.state.wait(int(since) if since.isdigit() else None, WAIT)
                return self._send(json.dumps(state).encode(), "application/json")
            if url.path == SCRIPT:
                return self._send(RELOAD_JS.encode(), "text/javascript")
            if url.path in ("/", ""):
                self.send_response(302)
                self.send_header("Location", f"/{preview.edition.key}/index.html")
                self.end_headers()
                return None
            path = Path(self.translate_path(url.path))
            if path.is_dir():
                path = path / "index.html"
            if path.suffix == ".html":
                page = path.read_text(encoding="utf-8") if path.is_file() else WAITING_PAGE
                return self._send(_with_script(page).encode(), "text/html; charset=utf-8")
            return super().do_GET()

        def _send(self, body: bytes, kind: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

    try:
        server = _Server(("127.0.0.1", port), Handler)
    except OSError as exc:
        raise CsabookError(f"cannot serve on 127.0.0.1:{port}: {exc.strerror}",
                           hint="Pass another port with --port N (0 picks a free one).") from None
    server.daemon_threads = True
    return server


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """A tab closed or reloaded while its request was answered is no error: say nothing. Anything else is
        reported as the standard server does."""
        import sys

        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def _with_script(page: str) -> str:
    """The page as the preview serves it: with the live-reload script, which no built file holds."""
    tag = f'<script src="{SCRIPT}"></script>'
    return page.replace("</body>", tag + "</body>", 1) if "</body>" in page else page + tag
