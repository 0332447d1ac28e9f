"""A small Sphinx extension for every edition: nothing in the published site may need the network.

Jupyter Book 1.x always loads sphinx-thebe, which declares the address of a remote Thebe bundle in every page
(twice, which raises a console error). The book has no live code, so its set-up is removed.

Table outputs also carry their downloads under csabook's own MIME type (csabook.html.downloads). They are files to write
beside the page, not something to show: `DownloadsMimeRenderer` (a myst-nb mime renderer, registered as an entry
point in pyproject.toml) renders them as nothing, where myst-nb would otherwise warn about an unknown MIME type.

The edition title carries the district's name from data/register.yml. Validation keeps it plain text
(csabook.model.markup), and `_escape_titles` escapes it once more on its way into the theme: Sphinx escapes `docstitle`
in most places, but the theme's navbar and search page print it as it is.

(Every page's footer, with the edition's PDF and the editions index, is set in csabook.pipeline.assemble.write_book_files.)
"""

from __future__ import annotations

from markupsafe import Markup, escape


def _escape_titles(app, pagename, templatename, context, doctree) -> None:
    """The book's title as escaped markup: printed once escaped, whether or not a template applies `|e`."""
    for key in ("docstitle", "shorttitle"):
        if isinstance(context.get(key), str) and not isinstance(context[key], Markup):
            context[key] = escape(context[key])

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
    app.connect("html-page-context", _escape_titles)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
