"""The rules for text from data files: how its Markdown is parsed, where its links may point, and which text must
stay plain because it reaches Sphinx's configuration and the theme's templates (edition titles, names).

One definition, used by the renderer (csabook.html.primitives), the PDF (csabook.pipeline.pdf) and validation (csabook.model.textrules).
"""

from __future__ import annotations

import hashlib
import html
import re

from markdown_it import MarkdownIt

# Markdown from data: CommonMark with raw HTML and images switched off (an image would fetch its source).
MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable(
    ["image", "html_block", "html_inline"]
)

_WEB = re.compile(r"^(?:https?://[^/\s?#]+|mailto:[^\s/]+@)", re.IGNORECASE)
_IN_BOOK = re.compile(r"^(?:(?P<page>[a-z0-9_]+)\.html)?(?:#[A-Za-z0-9_.:-]+)?$")
LINK_RULE = "an http(s):// or mailto: address, or a page or anchor of the book (appendix_a.html, #s6-1)"


def allowed_link(href: str) -> bool:
    """Whether a link may point at `href`: the web, e-mail, or a page or anchor of the same book.

    Anything else is refused: relative paths (`../x`, `x`), which in a printed document resolve against the build
    machine's folders; protocol-relative `//host` addresses (a file share on Windows); and every other scheme.
    """
    href = href.strip()
    return bool(href) and bool(_WEB.match(href) or _IN_BOOK.match(href))


def book_page(href: str) -> str | None:
    """The page name of an in-book link (`appendix_a` for `appendix_a.html#x`), '' for an in-page anchor, or
    None when `href` is not in the book."""
    match = _IN_BOOK.match(href.strip())
    if not href.strip() or not match or _WEB.match(href.strip()):
        return None
    return match.group("page") or ""


def link_targets(text: str) -> list[str]:
    """The target of every link that Markdown `text` makes (what the renderer would turn into an <a href>)."""
    targets = []
    for block in MARKDOWN.parse(text or ""):
        for token in block.children or ():
            if token.type == "link_open":
                targets.append(str(token.attrGet("href") or ""))
    return targets


# Text that becomes part of Sphinx's configuration or the theme's templates (the edition title carries the
# district's name) is plain: no markup, no template syntax, nothing a template engine or browser would interpret.
_NOT_PLAIN = re.compile(r"[<>`{}\\]|&(?:#|[A-Za-z][A-Za-z0-9]*;)|\[[^\]]*\]\(")
PLAIN_RULE = ("plain text: letters, digits, spaces and punctuation, without < > { } ` \\, character references "
              "(&name;) or Markdown links")


def plain_text_problem(value: str) -> str | None:
    """What makes `value` not plain text, or None."""
    found = _NOT_PLAIN.search(value)
    return f"'{found.group(0)}' is not allowed here" if found else None


def markdown_text(text: str) -> str:
    """Plain text as Markdown that renders it as written, on one line: Markdown's punctuation backslash-escaped
    (a generated heading that carries a name or a title)."""
    return "".join("\\" + c if c in "\\`*_[]<>#!|&" else c for c in " ".join(str(text).split()))


def escape(text) -> str:
    """Text as HTML text or an attribute value: every character markup could use, escaped."""
    return html.escape("" if text is None else str(text), quote=True)


_SLUG = re.compile(r"[^a-z0-9]+")
SLUG_LIMIT = 60


def slug(text: str) -> str:
    """An id and file-name stem for `text`: lower-case ASCII letters, digits and hyphens, at most SLUG_LIMIT
    characters. A longer text keeps its start and a short hash of the whole; a text with no ASCII letter or digit
    (a title in another script) is named by its hash alone. Equal texts always give equal slugs."""
    base = _SLUG.sub("-", text.lower()).strip("-")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if not base:
        return f"t-{digest[:10]}"
    if len(base) > SLUG_LIMIT:
        return f"{base[:SLUG_LIMIT - 7].rstrip('-')}-{digest[:6]}"
    return base
