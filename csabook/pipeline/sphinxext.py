"""A small Sphinx extension for every edition: nothing in the published site may need the network.

Jupyter Book 1.x always loads sphinx-thebe, which declares the address of a remote Thebe bundle in every page
(twice, which raises a console error). The book has no live code, so its set-up is removed.

Table outputs also carry their downloads under csabook's own MIME type (csabook.html.downloads). They are files to write
beside the page, not something to show: `DownloadsMimeRenderer` (a myst-nb mime renderer, registered as an entry
point in pyproject.toml) renders them as nothing, where myst-nb would otherwise warn about an unknown MIME type.

The edition title carries the district's name from data/register.yml. Validation keeps it plain text
(csabook.model.markup), and `_escape_titles` escapes it once more on its way into the theme: Sphinx escapes `docstitle`
in most places, but the theme's navbar and search page print it as it is.

myst-nb copies its style sheet into the site when the build ends, after the pages are written; Sphinx then links
it without the `?v=<checksum>` it gives a file already there. A build that keeps its environment finds it there and
links it with one, so pages written by a full build and by an incremental one would differ. `_mystnb_css_first`
copies it before any page is written, so that every build links it the same way.

Sphinx also keeps a word in the search index after the last page holding it is read again without it, with no
page left: `_drop_empty_search_terms` removes such words, so that the index is the one a full build writes.

(Every page's footer, with the edition's PDF and the editions index, is set in csabook.pipeline.assemble.write_book_files.)
"""

from __future__ import annotations

from jinja2 import BytecodeCache
from markupsafe import Markup, escape


def _escape_titles(app, pagename, templatename, context, doctree) -> None:
    """The book's title as escaped markup: printed once escaped, whether or not a template applies `|e`."""
    for key in ("docstitle", "shorttitle"):
        if isinstance(context.get(key), str) and not isinstance(context[key], Markup):
            context[key] = escape(context[key])

def _mystnb_css_first(app) -> None:
    import os

    from myst_nb.sphinx_ext import add_global_html_resources

    if app.builder is not None and app.builder.format == "html":
        os.makedirs(os.path.join(app.builder.outdir, "_static"), exist_ok=True)
        add_global_html_resources(app, None)


def _drop_empty_search_terms(app, exception) -> None:
    import os

    from sphinx.search import js_index

    if exception is not None or app.builder is None or app.builder.format != "html":
        return
    path = os.path.join(app.builder.outdir, app.builder.searchindex_filename)
    if not os.path.isfile(path):
        return
    with open(path, encoding="utf-8") as handle:
        index = js_index.load(handle)
    stale = [(key, term) for key in ("terms", "titleterms") for term, pages in index.get(key, {}).items()
             if pages in ([], {})]
    if stale:
        for key, term in stale:
            del index[key][term]
        with open(path, "w", encoding="utf-8") as handle:
            js_index.dump(index, handle)


class _SharedBytecode(BytecodeCache):
    """Compiled page templates, kept for every later build in this process (a Jupyter Book worker builds many
    editions, and a preview one edition many times). Jinja checks each entry against its template's source, so
    an edited template is compiled again."""

    compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self.compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


def _share_compiled_templates(app) -> None:
    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if environment is not None and environment.bytecode_cache is None:
        environment.bytecode_cache = _SharedBytecode()


def _drop_thebe(app) -> None:
    listeners = app.events.listeners.get("env-before-read-docs", [])
    app.events.listeners["env-before-read-docs"] = [
        listener for listener in listeners if getattr(listener.handler, "__qualname__", "") != "init_thebe_core"
    ]


class DownloadsMimeRenderer:
    """Render csabook's downloads MIME type as no output at all; every other type is left to myst-nb."""

    mime_priority_overrides = ()

    @staticmethod
    def handle_mime(renderer, data, inline):
        from csabook.html.downloads import MIME

        return [] if data.mime_type == MIME else None


def setup(app):
    app.connect("builder-inited", _drop_thebe)
    app.connect("builder-inited", _mystnb_css_first)
    app.connect("builder-inited", _share_compiled_templates)
    app.connect("build-finished", _drop_empty_search_terms)
    app.connect("html-page-context", _escape_titles)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
