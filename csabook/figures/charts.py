"""Figures drawn from data with matplotlib, as deterministic, accessible inline SVG."""

from __future__ import annotations

import io
import re
import textwrap

import matplotlib
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.ticker import MaxNLocator

from csabook.model.markup import escape

from csabook.figures.theme import INK, LIGHT_GREY, LIGHT_PURPLE, GREY, PURPLE, STATUS_STYLE, STYLE


def _subplots(size: tuple[float, float]):
    """A figure and its axes, made without pyplot: drawing a chart never changes the session's backend or figures."""
    fig = Figure(figsize=size)
    return fig, fig.subplots()


MIN_FONT = 9  # pt: the smallest chart text, 12 CSS px at the figure's natural size
READABLE_PX = 11  # a figure is never shown so small that its smallest text is under this many CSS px


def to_svg(fig, alt: str) -> str:
    """Serialise a figure as inline SVG with a <title> and an aria-label; the same input gives the same bytes.

    The figure fills its column up to its natural size, and shrinks no further than keeps its smallest text at
    READABLE_PX CSS px: on a narrow screen it scrolls sideways in its figure instead (see csabook.css)."""
    from matplotlib.text import Text

    buf = io.StringIO()
    with matplotlib.rc_context(STYLE):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
        smallest = min((t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()),
                       default=MIN_FONT)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    natural = float(re.search(r'<svg[^>]*?\swidth="([0-9.]+)pt"', svg).group(1))  # pt
    size = (f'style="width: 100%; height: auto; max-width: {natural * 4 / 3:.0f}px; '
            f'min-width: calc({min(natural * 4 / 3, natural * READABLE_PX / smallest):.0f}px + 0.8em)" ')  # + padding
    label = escape(alt)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" {size}', 1)
    head_end = svg.index(">") + 1
    return svg[:head_end] + f"<title>{label}</title>" + svg[head_end:]


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def bar_chart(labels: list[str], values: list[int], xlabel: str, alt: str, xmax: int | None = None) -> str:
    """A horizontal bar chart, first label at the top, each bar labelled with its value."""
    with matplotlib.rc_context(STYLE):
        fig, ax = _subplots((8, 0.42 * len(labels) + 1.2))
        positions = list(range(len(labels)))[::-1]
        ax.barh(positions, values, color=PURPLE)
        ax.set_yticks(positions, [_wrap(l, 38) for l in labels])
        for y, v in zip(positions, values):
            ax.text(v + 0.1, y, str(v), va="center", fontsize=MIN_FONT)
        ax.set_xlabel(xlabel)
        ax.set_xlim(0, (xmax or max(values)) + 1)
        ax.spines[["top", "right"]].set_visible(False)
        return to_svg(fig, alt)


def status_chart(labels: list[str], series: list[tuple[str, list[int]]], xlabel: str, alt: str) -> str:
    """Horizontal bars stacked by status (STATUS_STYLE's colour and hatch for each), first label at the top, each
    bar's total at its end, and a legend naming every status shown."""
    with matplotlib.rc_context(STYLE):
        fig, ax = _subplots((8, 0.5 * len(labels) + 1.8))
        positions = list(range(len(labels)))[::-1]
        left = [0] * len(labels)
        for status, values in series:
            if not any(values):
                continue
            fill, _, hatch = STATUS_STYLE[status]
            ax.barh(positions, values, left=left, color=fill, edgecolor=INK, linewidth=0.8, hatch=hatch,
                    label=status)
            left = [a + b for a, b in zip(left, values)]
        for y, total in zip(positions, left):
            ax.text(total + 0.1, y, str(total), va="center", fontsize=MIN_FONT)
        ax.set_yticks(positions, [_wrap(l, 38) for l in labels])
        ax.set_xlabel(xlabel)
        ax.set_xlim(0, max(left + [1]) + 1)
        ax.spines[["top", "right"]].set_visible(False)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        shown = sum(1 for _, values in series if any(values))
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -1.2 / (0.5 * len(labels) + 1.8)), ncol=max(shown, 1),
                  frameon=False, fontsize=MIN_FONT, handlelength=2.5, handleheight=1.2)
        return to_svg(fig, alt)


def governance_diagram(bodies, relations, alt: str) -> str:
    """Boxes for the governance bodies, arrows for their relations; the most-related body in the middle."""
    degree = {b.id: 0 for b in bodies}
    for r in relations:
        degree[r.source_id] += 1
        degree[r.target_id] += 1
    centre = max(bodies, key=lambda b: (degree[b.id], -bodies.index(b))).id
    others = [b for b in bodies if b.id != centre]
    slots = [(0.5, 0.88), (0.12, 0.5), (0.88, 0.5), (0.22, 0.12), (0.78, 0.12), (0.5, 0.12), (0.12, 0.88), (0.88, 0.88)]
    pos = {centre: (0.5, 0.5)}
    for b, slot in zip(others, slots):
        pos[b.id] = slot
    with matplotlib.rc_context(STYLE):
        fig, ax = _subplots((9, 7.5))
        fig.subplots_adjust(0, 0, 1, 1)  # the axes fill the figure: 540 pt to a unit across, 480 up
        ax.set_xlim(-0.1, 1.1)
        ax.set_ylim(-0.06, 1.06)
        ax.axis("off")
        for r in relations:
            (x1, y1), (x2, y2) = pos[r.source_id], pos[r.target_id]
            ax.add_patch(FancyArrowPatch((x1, y1), (x2, y2), arrowstyle="-|>", mutation_scale=14, color=GREY,
                                         shrinkA=60, shrinkB=60, linewidth=1.4))
            ax.text((x1 + x2) / 2, (y1 + y2) / 2, _wrap(r.label, 12), fontsize=MIN_FONT, ha="center", va="center",
                    color=INK, bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="none"))
        for b in bodies:
            x, y = pos[b.id]
            main = b.id == centre
            ax.add_patch(FancyBboxPatch((x - 0.14, y - 0.12), 0.28, 0.24, boxstyle="round,pad=0.01",
                                        fc=PURPLE if main else LIGHT_PURPLE, ec=PURPLE, linewidth=1.2))
            ax.text(x, y + 0.035, _wrap(b.name, 24), ha="center", va="bottom", fontsize=MIN_FONT, fontweight="bold",
                    color="white" if main else INK)
            ax.text(x, y + 0.015, _wrap(b.role, 27), ha="center", va="top", fontsize=MIN_FONT,
                    color="white" if main else INK)
        return to_svg(fig, alt)


def columns_diagram(columns: list[tuple[str, list[str], str, str]], alt: str) -> str:
    """Side-by-side columns of labelled boxes: (heading, items, fill colour, text colour) for each column."""
    rows = max(len(items) for _, items, _, _ in columns)
    width = 4.2
    with matplotlib.rc_context(STYLE):
        fig, ax = _subplots((width * len(columns), 0.8 * rows + 1.2))
        ax.set_xlim(0, len(columns))
        ax.set_ylim(-rows - 0.2, 1)
        ax.axis("off")
        for c, (head, items, fill, ink) in enumerate(columns):
            ax.text(c + 0.5, 0.5, _wrap(head, 40), ha="center", va="center", fontsize=10, fontweight="bold")
            for r, item in enumerate(items):
                ax.add_patch(FancyBboxPatch((c + 0.04, -r - 0.9), 0.92, 0.8, boxstyle="round,pad=0.01",
                                            fc=fill, ec=fill))
                ax.text(c + 0.5, -r - 0.5, _wrap(item, 42), ha="center", va="center", fontsize=MIN_FONT, color=ink)
        return to_svg(fig, alt)


def presence_chart(columns: list[str], groups: list[tuple[str, list[tuple[str, list[str | None]]]]], alt: str,
                   fills: tuple[str, ...] = (PURPLE, LIGHT_PURPLE), inks: tuple[str, ...] = ("white", INK)) -> str:
    """A grid of which row was present in which column: a filled cell where present, with an optional note in it.

    `groups` is [(heading, [(row label, [cell per column])])]; a cell is None (absent) or a note ("" for none).
    Each group has its own fill and ink colour, in order.
    """
    n_rows = sum(len(rows) + 1 for _, rows in groups)
    with matplotlib.rc_context(STYLE):
        fig, ax = _subplots((3.6 + 1.05 * len(columns), 0.42 * n_rows + 0.8))
        ax.set_xlim(-3.4, len(columns))
        ax.set_ylim(-n_rows - 0.1, 0.9)
        ax.axis("off")
        for c, column in enumerate(columns):
            ax.text(c + 0.5, 0.45, column, ha="center", va="center", fontsize=10, fontweight="bold")
        y = 0
        for g, (heading, rows) in enumerate(groups):
            fill, ink = fills[g % len(fills)], inks[g % len(inks)]
            y -= 1
            ax.text(-3.35, y + 0.5, heading, ha="left", va="center", fontsize=10, fontweight="bold", color=PURPLE)
            for label, cells in rows:
                y -= 1
                ax.text(-0.1, y + 0.5, _wrap(label, 42), ha="right", va="center", fontsize=MIN_FONT)
                for c, cell in enumerate(cells):
                    if cell is None:
                        ax.add_patch(FancyBboxPatch((c + 0.06, y + 0.12), 0.88, 0.76, boxstyle="round,pad=0.01",
                                                    fc="white", ec=LIGHT_GREY, linewidth=1))
                        continue
                    ax.add_patch(FancyBboxPatch((c + 0.06, y + 0.12), 0.88, 0.76, boxstyle="round,pad=0.01",
                                                fc=fill, ec=PURPLE, linewidth=1))
                    if cell:
                        ax.text(c + 0.5, y + 0.5, cell, ha="center", va="center", fontsize=MIN_FONT, color=ink)
        return to_svg(fig, alt)
