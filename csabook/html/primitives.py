"""The HTML building blocks a page is made of: sanitised narrative, accessible tables and figures.

Everything from a data file is untrusted. Narrative is Markdown rendered with raw HTML switched off, then cleaned
by nh3 with a short allow-list; table cells and titles are escaped. The result is an `Html` object that Jupyter
displays as text/html; a table also carries its CSV, which the build writes beside the page.
"""

from __future__ import annotations

import re
from typing import Iterable

import nh3

from csabook.html import downloads
from csabook.model.markup import MARKDOWN as _markdown
from csabook.model.markup import allowed_link, escape, slug
from csabook.model.quarters import NO_RETURN, STATUSES

ALLOWED_TAGS = {"p", "em", "strong", "a", "ul", "ol", "li", "code", "br", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


# A line break after the end of each table cell, list item, paragraph or heading. Browsers ignore it, but Sphinx's
# search index strips tags without adding spaces: without it "<td>MoRiLE</td><td>County-wide</td>" would be
# indexed as the one word "MoRiLECounty-wide", and neither word could be found.
_BLOCK_END = re.compile(r"(</(?:td|th|tr|li|dt|dd|p|h[1-6]|caption|option|thead|tbody|ul|ol|dl)>)(?=<)")


class Html:
    """A fragment of trusted, already-sanitised HTML that Jupyter shows as text/html.

    `downloads` are the files the fragment links to (see csabook.html.downloads); they travel with the output under
    their own MIME type and are written into the site when the edition is built.
    """

    def __init__(self, markup: str = "", downloads: Iterable[dict] = ()):
        self.markup = _BLOCK_END.sub("\\1\n", markup)
        self.downloads = tuple(downloads)

    def _repr_html_(self) -> str:
        return self.markup

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        bundle = {"text/html": self.markup}
        if self.downloads:
            bundle[downloads.MIME] = {"files": list(self.downloads)}
        return bundle

    def __add__(self, other: "Html") -> "Html":
        return Html(self.markup + other.markup, self.downloads + other.downloads)

    def __str__(self) -> str:
        return self.markup

    def __repr__(self) -> str:
        return f"Html({len(self.markup)} characters)"


def join(parts: Iterable[Html]) -> Html:
    parts = list(parts)
    return Html("".join(p.markup for p in parts), (d for p in parts for d in p.downloads))


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Links keep their target only where csabook.model.markup allows it (validation refuses the others first)."""
    return value if attribute != "href" or allowed_link(value) else None


def sanitise(markup: str) -> str:
    """Keep only the allow-listed tags, attributes and URL schemes, and links to allowed targets."""
    return nh3.clean(markup, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     attribute_filter=_keep_attribute, link_rel="noopener noreferrer")


def markdown(text: str) -> Html:
    """Block Markdown (paragraphs, lists, emphasis, links) from untrusted text."""
    return Html(sanitise(_markdown.render(text or "")).strip())


def inline(text: str) -> str:
    """Inline Markdown from untrusted text, as sanitised markup with no enclosing paragraph."""
    return sanitise(_markdown.renderInline(text or "")).strip()




def heading(text: str, level: int = 2) -> Html:
    return Html(f"<h{level}>{escape(text)}</h{level}>")


def paragraphs(texts: Iterable[str]) -> Html:
    return join(markdown(t) for t in texts)


def bullets(items: Iterable[str], ordered: bool = False) -> Html:
    tag = "ol" if ordered else "ul"
    lis = "".join(f"<li>{inline(i)}</li>" for i in items)
    return Html(f"<{tag}>{lis}</{tag}>") if lis else Html()


def links(items) -> Html:
    return bullets(f"[{l.text}]({l.url})" for l in items) if items else Html()


def section(sec, level: int = 2) -> Html:
    """A numbered CSA section: its number, title, paragraphs, list and links. A section with a title is headed by
    its number and title; one without (most of them) is a numbered paragraph, as in the published document: the
    number hangs beside the text instead of standing as a heading."""
    body = paragraphs(sec.paragraphs) + bullets(sec.items) + links(sec.links)
    anchor = escape(sec.number.replace(".", "-"))
    if sec.title:
        return Html(f'<section class="csa-section" id="s{anchor}">'
                    f"<h{level}>{escape(sec.number)} {escape(sec.title)}</h{level}>{body.markup}</section>")
    return Html(f'<section class="csa-section csa-numbered" id="s{anchor}">'
                f'<span class="csa-para-num">{escape(sec.number)}</span>{body.markup}</section>')


def sections(secs, level: int = 2) -> Html:
    return join(section(s, level) for s in secs)


NUM = ' class="csa-num"'


def _table_markup(frame, caption: str, numeric=(), row_attrs=None, status=(), groups=None, grouped=()) -> str:
    """A <table> with a caption and header cells, every cell escaped; its id is `table-<slug of caption>`. Cells of
    the `status` columns show their status as a labelled, coloured badge. Each cell carries its column's name
    (data-label), which a card layout on a small screen shows beside it.

    `groups`: a heading per row; a row whose heading differs from the one above starts a group with a heading row
    (class csa-group-row), and the `grouped` columns, which the heading says, are left out of the table."""
    numeric = set(numeric)
    columns = [c for c in frame.columns if c not in set(grouped)]
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in columns)
    body, last, group = [], None, 0
    for i, row in enumerate(frame.itertuples(index=False)):
        values = dict(zip(frame.columns, row))
        attrs = row_attrs[i] if row_attrs else ""
        if groups is not None:
            if groups[i] != last:
                group, last = group + 1, groups[i]
                body.append(f'<tr class="csa-group-row" data-group-head="{group}"><th scope="colgroup" '
                            f'colspan="{len(columns)}">{escape(groups[i])}</th></tr>')
            attrs += f' data-group="{group}"'
        cells = "".join(f'<td data-label="{escape(col)}"{NUM if col in numeric else ""}>'
                        f"{status_badge(values[col]) if col in status else _cell(values[col])}</td>" for col in columns)
        body.append(f"<tr{attrs}>{cells}</tr>")
    marked = f' data-csa-grouped="{escape("|".join(grouped))}"' if groups is not None else ""
    return (f'<table class="csa-table" id="table-{slug(caption)}"{marked}><caption>{escape(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")


def csv_link(frame, caption: str) -> Html:
    """A "Download CSV" link for the table with this caption, carrying the table's data as CSV."""
    entry = downloads.csv_download(frame, slug(caption))
    return Html(f'<p class="csa-download"><a href="{downloads.href(entry["name"])}" download '
                f'data-csa-csv="table-{slug(caption)}">Download CSV<span class="csa-visually-hidden">: '
                f'{escape(caption)}</span></a> <span class="csa-download-note">({len(frame)} rows)</span></p>',
                [entry])


def table(frame, caption: str, numeric: Iterable[str] = (), status: Iterable[str] = ()) -> Html:
    """A data table with a caption, header cells and a CSV download; every cell is escaped (`status`: columns of
    statuses, shown as badges)."""
    return Html(_table_markup(frame, caption, numeric, status=set(status))) + csv_link(frame, caption)


def status_badge(status: str) -> str:
    """A status as its text in a coloured badge (csabook.css): the colour is never the only sign of the status.
    Any other text (a total row's label) is shown as it is."""
    if status not in (*STATUSES, NO_RETURN):
        return _cell(status)
    return f'<span class="csa-status" data-status="{slug(str(status))}">{escape(status)}</span>'


def status_key(statuses: Iterable[str]) -> Html:
    """The statuses in order, each as its badge: the key to the colours of the progress report's tables and chart."""
    return Html('<p class="csa-status-key">Status key: ' + " ".join(status_badge(s) for s in statuses) + "</p>")


def workbook_link(name: str, sheets: dict, text: str) -> Html:
    """A link to a spreadsheet (.xlsx) with one sheet per DataFrame of `sheets`, written when the book is built."""
    entry = downloads.workbook_download(slug(name), sheets)
    return Html(f'<p class="csa-download"><a href="{downloads.href(entry["name"])}" download>{escape(text)}</a></p>',
                [entry])


def filter_table(frame, caption: str, facets: dict, noun: str = "rows", search_label: str = "Search",
                 status: Iterable[str] = (), groups: list[str] | None = None, grouped: Iterable[str] = ()) -> Html:
    """A table readers can filter in the static page (csabook.js): one select per facet, plus a text search; when
    nothing matches, it says so, with a button that clears the filters. On a small screen each row is a card.

    `facets` maps a label to (values per row, options in order); a row may carry several values for one facet.
    `groups` and `grouped`: rows under group headings (see _table_markup); the CSV keeps every column.
    """
    box_id = slug(caption)
    controls, attrs = [], [""] * len(frame)
    for n, (label, (values, options)) in enumerate(facets.items()):
        key = f"f{n}"
        opts = "".join(f'<option value="{escape(o)}">{escape(o)}</option>' for o in options)
        controls.append(f'<label for="{box_id}-{key}">{escape(label)}<select id="{box_id}-{key}" data-filter="{key}">'
                        f'<option value="">All</option>{opts}</select></label>')
        for i, v in enumerate(values):
            attrs[i] += f' data-{key}="{escape("|".join(v))}"'
    controls.append(f'<label for="{box_id}-q">{escape(search_label)}<input type="search" id="{box_id}-q" '
                    f'data-filter-text></label><button type="reset">Clear filters</button>')
    empty = (f'<div class="csa-filter-empty" hidden><p>No {escape(noun)} match these filters.</p>'
             '<button type="button" data-filter-clear>Clear filters</button></div>')
    return Html(f'<div class="csa-filter" id="{box_id}" data-csa-filter data-noun="{escape(noun)}">'
                f'<form class="csa-filter-controls" role="search" aria-label="Filter {escape(caption)}">{"".join(controls)}</form>'
                f'<p class="csa-filter-count" aria-live="polite">Showing {len(frame)} of {len(frame)} {escape(noun)}.</p>'
                + empty + _table_markup(frame, caption, row_attrs=attrs, status=set(status), groups=groups,
                                        grouped=tuple(grouped)) + "</div>") + csv_link(frame, caption)


def _cell(value) -> str:
    if isinstance(value, (list, tuple)):
        return "<ul>" + "".join(f"<li>{escape(v)}</li>" for v in value) + "</ul>"
    return escape(value)


def subtitle(text: str | None) -> Html:
    return Html(f'<p class="csa-period">({escape(text)})</p>') if text else Html()

def figure(svg: str, caption: str) -> Html:
    """An inline SVG figure (from csabook.figures.charts, which sets its title and aria-label) with a caption."""
    return Html(f'<figure class="csa-figure"><div class="csa-figure-scroll" tabindex="0" role="region" '
                f'aria-label="{escape(caption)} (scrolls sideways on a narrow screen)">{svg}</div>'
                f"<figcaption>{escape(caption)}</figcaption></figure>")
