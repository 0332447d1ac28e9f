"""A small Sphinx extension for every edition: nothing in the published site may need the network.

Jupyter Book 1.x always loads sphinx-thebe, which declares the address of a remote Thebe bundle in every page
(twice, which raises a console error). The book has no live code, so its set-up is removed.

Table outputs also carry their downloads under csabook's own MIME type (csabook.downloads). They are files to write
beside the page, not something to show: `DownloadsMimeRenderer` (a myst-nb mime renderer, registered as an entry
point in pyproject.toml) renders them as nothing, where myst-nb would otherwise warn about an unknown MIME type.

Every page's footer links to the edition's PDF (csabook.pdf), found from the edition's folder, book/<year>/<district>.
"""

from __future__ import annotations

import html
from pathlib import Path


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
        from .downloads import MIME

        return [] if data.mime_type == MIME else None


def _edition_footer(app, config) -> None:
    """Link the edition's PDF from every page, in place of the theme's download menu (page source, browser print)."""
    from .pdf import pdf_name

    options = config.html_theme_options
    options["use_download_button"] = False
    year, district = Path(app.srcdir).parts[-2:]
    if year.isdigit():
        options["extra_footer"] = (f'<p class="csa-footer"><a href="{html.escape(pdf_name(year, district))}">Download '
                                   "this edition as a PDF</a>, to read offline or print.</p>")


def setup(app):
    app.connect("config-inited", _edition_footer)
    app.connect("builder-inited", _drop_thebe)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
