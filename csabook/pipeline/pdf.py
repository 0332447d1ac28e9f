"""The PDF of an edition: every chapter in book order, printed offline by Debian's Chromium.

The printed document is made from the executed notebooks (the same outputs the site shows): a title page, a
contents page, then each chapter and appendix on a new page. The contents page needs the page on which each chapter
starts, which only a print tells (its named destinations): Chromium prints until those numbers settle, starting from
the last print's (see PdfPrinter).
The document can fetch nothing: its Content-Security-Policy allows no request, and Chromium resolves no host name.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import yaml

from csabook.errors import BuildError
from csabook.paths import STATIC
from csabook.pipeline.provenance import NOTE_ID, build_moment
from csabook.model.book import notebook_title
from csabook.pipeline.lifeline import die_with_parent
from csabook.model.markup import MARKDOWN, allowed_link, book_page

CHROMIUM_ENV = "CSABOOK_CHROMIUM"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
# How csabook runs Chromium: headless, fetching nothing, driven over the DevTools protocol on a pipe (see Chromium).
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-extensions", "--host-resolver-rules=MAP * ~NOTFOUND"]
CSS = [STATIC / "csabook.css", Path(__file__).resolve().parent / "pdf.css"]
POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
TIMEOUT = 300


@dataclass(frozen=True)
class Chapter:
    """One chapter of the printed edition: its notebook name, heading, and body below the heading (HTML)."""

    name: str
    title: str
    body: str
    landscape: bool = False  # printed on landscape pages (the template's metadata.csabook.print: landscape)

    @property
    def anchor(self) -> str:
        return f"chapter-{self.name}"


def find_chromium() -> str:
    """Chromium's path: $CSABOOK_CHROMIUM, else Debian's /usr/bin/chromium, else one on PATH."""
    wanted = os.environ.get(CHROMIUM_ENV)
    for candidate in ([wanted] if wanted else CHROMIUM_CANDIDATES):
        found = shutil.which(candidate)
        if found:
            return found
    where = f"${CHROMIUM_ENV} ({wanted}) is not an executable" if wanted else "no Chromium was found"
    raise BuildError(f"Chromium is needed to print the edition PDF, and {where}",
                     hint="Install Debian's Chromium (apt-get install chromium), or set CSABOOK_CHROMIUM to the path "
                          "of a Chromium or Chrome binary.")


def read_chapter(notebook: Path) -> Chapter:
    """A chapter from an executed notebook: its first "# " heading is the title; the other Markdown cells are
    rendered, and each output's text/html (already sanitised by csabook.html.primitives) is kept."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    cells = [c for c in nb.get("cells", []) if c.get("id") != NOTE_ID]  # notes: the provenance appendix has them
    title, heading, rest = notebook_title(cells)
    parts = []
    for index, cell in enumerate(cells):
        source = "".join(cell.get("source", []))
        if cell.get("cell_type") == "markdown":
            parts.append(MARKDOWN.render(rest if index == heading else source))
        elif cell.get("cell_type") == "code":
            for output in cell.get("outputs", []):
                markup = output.get("data", {}).get("text/html")
                if markup:
                    parts.append("".join(markup) if isinstance(markup, list) else markup)
    landscape = nb.get("metadata", {}).get("csabook", {}).get("print") == "landscape"
    return Chapter(notebook.stem, (title or notebook.stem).strip(), print_links("\n".join(parts)), landscape)


_HREF = re.compile(r'\shref="([^"]*)"')


def print_links(body: str) -> str:
    """Links as the printed document needs them: the web and e-mail as they are, a page of the book as that
    chapter's anchor in the document, and nothing else. The document is printed from a temporary folder, so any
    other target would become a file:// link to the build machine in the published PDF."""

    def target(match: re.Match) -> str:
        href = html.unescape(match.group(1))
        page = book_page(href)
        if page is None:
            return match.group(0) if allowed_link(href) else ""
        if page:
            return f' href="#chapter-{html.escape(page)}"'
        return match.group(0)

    return _HREF.sub(target, body)


def read_edition(book_dir: Path) -> tuple[dict, Chapter, list[tuple[str, list[Chapter]]]]:
    """The edition's _config.yml, its root page, and its parts (caption, chapters) in book order."""
    config = yaml.safe_load((book_dir / "_config.yml").read_text(encoding="utf-8"))
    toc = yaml.safe_load((book_dir / "_toc.yml").read_text(encoding="utf-8"))
    root = read_chapter(book_dir / f"{toc['root']}.ipynb")
    parts = [(part.get("caption", ""), [read_chapter(book_dir / f"{c['file']}.ipynb") for c in part.get("chapters", [])])
             for part in toc.get("parts", [])]
    if toc.get("chapters"):
        parts.append(("", [read_chapter(book_dir / f"{c['file']}.ipynb") for c in toc["chapters"]]))
    return config, root, [(caption, chapters) for caption, chapters in parts if chapters]


def print_document(config: dict, root: Chapter, parts: list, pages: dict[str, int] | None = None) -> str:
    """The whole edition as one HTML document for printing; `pages` gives each chapter's first page."""
    title = html.escape(config.get("title", ""))
    author = html.escape(config.get("author", ""))
    # The title page holds the home page's opening paragraphs; what follows its first heading or notice (a
    # district's table of where each section comes from, a draft's files to review) gets a page of its own, so
    # that the title page always fits one page.
    split = re.search(r'<h2\b|<div class="csa-review"', root.body)
    cover, about = (root.body[:split.start()], root.body[split.start():]) if split else (root.body, "")
    styles = "\n".join(path.read_text(encoding="utf-8") for path in CSS)
    contents, chapters = [], []
    for caption, members in parts:
        if caption:
            contents.append(f"<h2>{html.escape(caption)}</h2>")
        items = "".join(f'<li><a href="#{c.anchor}"><span class="pdf-entry">{html.escape(c.title)}</span>'
                        f'<span class="pdf-page">{(pages or {}).get(c.anchor, "00")}</span></a></li>' for c in members)
        contents.append(f"<ol>{items}</ol>")
        chapters += [f'<section class="pdf-chapter{" pdf-landscape" if c.landscape else ""}" id="{c.anchor}">'
                     f'<h1>{html.escape(c.title)}</h1>{c.body}</section>' for c in members]
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{POLICY}">
<meta name="author" content="{author}">
<title>{title}</title>
<style>
{styles}
</style>
</head>
<body>
<section class="pdf-title-page">
<p class="pdf-author">{author}</p>
<h1>{title}</h1>
{cover}
</section>
{f'<section class="pdf-about">{about}</section>' if about.strip() else ""}
<nav class="pdf-contents" aria-labelledby="pdf-contents-heading">
<h1 id="pdf-contents-heading">Contents</h1>
{"".join(contents)}
</nav>
<main>
{"".join(chapters)}
</main>
</body>
</html>
"""


class Chromium:
    """One headless Chromium that prints many documents, driven over the DevTools protocol on a pipe (no port is
    opened): starting Chromium costs more than printing a document, so a build starts one and prints every edition
    with it. It runs with the same flags as a single print, and each document with the same policy."""

    def __init__(self, chromium: str | None = None, work: Path | None = None):
        self.binary = chromium or find_chromium()
        self.profile = tempfile.mkdtemp(prefix="chromium-", dir=work)
        to_chromium, self._read = os.pipe(), None
        from_chromium = os.pipe()
        self._write, self._read = to_chromium[1], from_chromium[0]
        theirs = (to_chromium[0], from_chromium[1])

        def child():
            import fcntl

            die_with_parent()
            # Chromium reads the protocol on fd 3 and writes on fd 4: move both ends out of the way, then into place.
            read, write = (fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in theirs)
            os.dup2(read, 3)
            os.dup2(write, 4)

        with open(Path(self.profile, "chromium.log"), "wb") as log:  # what it says, for the error if it fails
            self.process = subprocess.Popen(
                [self.binary, *CHROMIUM_FLAGS, "--remote-debugging-pipe", f"--user-data-dir={self.profile}"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, pass_fds=(3, 4, *theirs),
                env={**os.environ, "HOME": self.profile}, preexec_fn=child)
        for fd in theirs:
            os.close(fd)
        self.buffer = b""
        self.next_id = 0
        self.lock = threading.Lock()
        self.tab: str | None = None  # the session of the tab every document is printed in

    def _send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        try:
            os.write(self._write, json.dumps(message).encode() + b"\0")
        except OSError:  # the pipe is closed: Chromium is gone
            raise self._gone() from None
        return self.next_id

    def _gone(self) -> BuildError:
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        try:
            log = Path(self.profile, "chromium.log").read_text(encoding="utf-8", errors="replace").strip().splitlines()
        except OSError:
            log = []
        return BuildError(f"Chromium failed to print the edition ({self.binary} stopped, exit code {code}):\n"
                          + "\n".join(log[-15:]), hint="Check that `chromium --headless --print-to-pdf` works here.")

    def _receive(self, deadline: float) -> dict:
        import select
        import time

        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._read], [], [], left)[0]:
                raise BuildError(f"Chromium did not answer within {TIMEOUT} s")
            chunk = os.read(self._read, 1 << 20)
            if not chunk:
                raise self._gone()
            self.buffer += chunk
        message, _, self.buffer = self.buffer.partition(b"\0")
        return json.loads(message)

    def _call(self, method: str, params: dict | None = None, session: str | None = None,
              until: str | None = None) -> dict:
        """Send a command and return its result; with `until`, also wait for that event of the session."""
        import time

        deadline = time.monotonic() + TIMEOUT
        wanted = self._send(method, params, session)
        result, seen = None, until is None
        while result is None or not seen:
            message = self._receive(deadline)
            if message.get("id") == wanted:
                if "error" in message:
                    raise BuildError(f"Chromium could not {method}: {message['error'].get('message')}")
                result = message.get("result", {})
            elif until and message.get("method") == until and message.get("sessionId") == session:
                seen = True
        return result

    def print(self, document: Path, output: Path) -> None:
        """Print one local HTML file to `output`, as `chromium --print-to-pdf` would. Every document is printed
        in the same tab, opened at the first print: a new tab would start a new renderer process each time."""
        import base64

        with self.lock:
            if self.tab is None:
                target = self._call("Target.createTarget", {"url": "about:blank"})["targetId"]
                self.tab = self._call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
                self._call("Page.enable", session=self.tab)
            self._call("Page.navigate", {"url": document.resolve().as_uri()}, self.tab, until="Page.loadEventFired")
            data = self._call("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True,
                                                  "displayHeaderFooter": False, "generateDocumentOutline": True},
                              self.tab)["data"]
        output.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for fd in (self._write, self._read):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)


def chapter_pages(pdf: Path) -> dict[str, int]:
    """The page (from 1) on which each named destination of the PDF, i.e. each chapter anchor, lies."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(str(pdf))
        return {name.lstrip("/"): reader.get_destination_page_number(dest) + 1
                for name, dest in reader.named_destinations.items()}
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
        raise BuildError(f"Chromium reported success, but {pdf.name} is not a readable PDF ({type(exc).__name__}: "
                         f"{exc}); expected the printed edition",
                         hint="Check that `chromium --headless --print-to-pdf` works here.") from None


def build_pdf(book_dir: Path, html_dir: Path, name: str, chromium: str | None = None, work: Path | None = None,
              guess: dict[str, int] | None = None, keep: Path | None = None,
              session: "Chromium | None" = None, edition: tuple | None = None) -> tuple[Path, dict[str, int]]:
    """Print the edition in `book_dir` (executed notebooks, _config.yml, _toc.yml) to `html_dir`/`name`; returns
    (the PDF, the page on which each chapter starts).

    The contents page needs the page numbers, which only a print tells: Chromium prints until they settle, starting
    from `guess` (the last print's numbers, which usually still hold: then one print is enough). Temporary files go
    under `work` (a build passes its staging folder, which the next build empties). `keep`: where to put a copy
    of the print before it is dated. `session`: a running Chromium to print with (else one is started for this
    edition and closed after it). `edition`: what read_edition(book_dir) returns, when the caller has read it.
    """
    own = session is None
    session = session or Chromium(chromium, work)
    try:
        return _print_until_settled(edition or read_edition(book_dir), html_dir, name, work, guess, keep, session)
    finally:
        if own:
            session.close()


def _print_until_settled(edition: tuple, html_dir: Path, name: str, work: Path | None, guess: dict[str, int] | None,
                         keep: Path | None, session: "Chromium") -> tuple[Path, dict[str, int]]:
    config, root, parts = edition
    anchors = [c.anchor for _, members in parts for c in members]
    pages = guess if guess and sorted(guess) == sorted(anchors) else None
    with tempfile.TemporaryDirectory(prefix="pdf-", dir=work) as tmp:
        document, printed = Path(tmp) / "edition.html", Path(tmp) / "edition.pdf"
        for _ in range(3):
            document.write_text(print_document(config, root, parts, pages), encoding="utf-8")
            session.print(document, printed)
            found = chapter_pages(printed)
            missing = [a for a in anchors if a not in found]
            if missing:
                raise BuildError(f"the printed edition has no page for {', '.join(missing)}")
            found = {a: found[a] for a in anchors}
            if found == pages:
                break
            pages = found
        else:
            raise BuildError("the contents page numbers of the edition PDF did not settle after three prints")
        target = html_dir / name
        date_pdf(printed, target, build_moment())
        if keep is not None:
            shutil.copyfile(printed, keep.with_name(keep.name + ".tmp"))
            os.replace(keep.with_name(keep.name + ".tmp"), keep)
    return target, pages


def document_key(edition: tuple) -> str:
    """What an edition's PDF is printed from (`edition`: as read_edition returns it): the document without its
    page numbers (styles included)."""
    import hashlib

    return hashlib.sha256(print_document(*edition).encode("utf-8")).hexdigest()


class PdfPrinter:
    """Prints a build's edition PDFs with one Chromium per printing thread, and keeps each edition's last print (_build/cache/pdf/): an
    edition whose printed document is unchanged reuses it (no Chromium at all), and a changed one starts from its
    page numbers (one print instead of two when they still hold)."""

    def __init__(self, project, force: bool = False):
        self.force = force  # print every edition afresh: no kept print or page numbers are used
        self.folder = project.build / "cache" / "pdf"
        self.staging = project.staging
        self.printed = 0  # editions printed by this printer (for tests and the benchmark)
        self.reused = 0
        self.local = threading.local()  # each printing thread's Chromium, started at its first print
        self.sessions: list[Chromium] = []
        self.lock = threading.Lock()

    def chromium(self) -> "Chromium":
        session = getattr(self.local, "session", None)
        if session is None:
            session = self.local.session = Chromium(work=self.staging)
            with self.lock:
                self.sessions.append(session)
        return session

    def discard(self, session: "Chromium") -> None:
        """A Chromium that failed is not trusted with the next edition."""
        session.close()
        if getattr(self.local, "session", None) is session:
            self.local.session = None

    def close(self) -> None:
        with self.lock:
            sessions, self.sessions = self.sessions, []
        for session in sessions:
            session.close()

    def print(self, edition, book_dir: Path, html_dir: Path) -> Path:
        from csabook.model.editions import pdf_name

        self.folder.mkdir(parents=True, exist_ok=True)
        name = pdf_name(edition.year, edition.district)
        kept_pdf, kept_state = self.folder / f"{edition.stem}.pdf", self.folder / f"{edition.stem}.json"
        read = read_edition(book_dir)
        key = document_key(read)
        try:
            state = {} if self.force else json.loads(kept_state.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            state = {}
        if state.get("key") == key and kept_pdf.is_file():
            target = html_dir / name
            date_pdf(kept_pdf, target, build_moment())
            self.reused += 1
            return target
        # the state names no document while the kept print is replaced: a build killed meanwhile reuses nothing
        kept_state.write_text(json.dumps({"key": None, "pages": state.get("pages")}), encoding="utf-8")
        session = self.chromium()
        try:
            target, pages = build_pdf(book_dir, html_dir, name, work=self.staging, guess=state.get("pages"),
                                      keep=kept_pdf, session=session, edition=read)
        except BuildError:
            self.discard(session)
            raise
        self.printed += 1
        kept_state.write_text(json.dumps({"key": key, "pages": pages}), encoding="utf-8")
        return target


_PRINTED_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:\d{14}[+-]\d\d'\d\d'\)")


def date_pdf(printed: Path, target: Path, moment) -> None:
    """Copy the printed PDF to `target`, its creation and modification dates set to `moment` (the build's, which
    SOURCE_DATE_EPOCH fixes), rather than the time Chromium printed it.

    Chromium writes both dates in its uncompressed Info dictionary in the same fixed-width form as `moment`'s, so
    they are overwritten in place (every byte offset holds); a PDF in another form is rewritten with pypdf."""
    stamp = moment.strftime("D:%Y%m%d%H%M%S+00'00'")
    data = printed.read_bytes()
    found = list(_PRINTED_DATE.finditer(data[:4096]))
    if sorted(m.group(1) for m in found) == [b"CreationDate", b"ModDate"]:
        for match in found:
            value = b"/" + match.group(1) + b" (" + stamp.encode("ascii") + b")"
            data = data[:match.start()] + value + data[match.end():]
        target.write_bytes(data)
        return
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=str(printed))
    writer.add_metadata({"/CreationDate": stamp, "/ModDate": stamp})
    with open(target, "wb") as out:
        writer.write(out)
