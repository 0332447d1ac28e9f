"""The CSA priorities and cross-cutting themes year by year, and what changed between two years' lists.

A year's list comes from its chapter 6 (priorities.yml) where the year has one, else from its priority_list.yml.
Ids are stable across years: a renamed priority keeps its id, so comparing two lists is comparing ids.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from csabook.model.loader import COUNTY, EditionData, available_years
from csabook.errors import DataError, Problem
from csabook.paths import Project

KINDS = {"priority": "priority", "theme": "cross-cutting theme"}


@dataclass(frozen=True)
class Item:
    id: str
    name: str
    kind: str  # "priority" or "theme"


@dataclass(frozen=True)
class YearList:
    """The priorities and themes in force from April of `year`, and the data file they come from."""

    year: int
    period: str
    items: tuple[Item, ...]
    derived_from: tuple[str, ...]
    note: str | None
    path: str
    first_version: bool = False

    @property
    def priorities(self) -> list[Item]:
        return [i for i in self.items if i.kind == "priority"]

    @property
    def themes(self) -> list[Item]:
        return [i for i in self.items if i.kind == "theme"]

    def by_id(self) -> dict[str, Item]:
        return {i.id: i for i in self.items}


@dataclass(frozen=True)
class Change:
    """One difference between two years' data, with the sentence that describes it."""

    area: str  # the Diff area it belongs to, e.g. "priorities", "leads"
    action: str  # added, removed, renamed, changed, moved
    item: str  # what changed: "priority", "lead", "plan", ...
    old: str | None
    new: str | None
    text: str

    def __str__(self) -> str:
        return self.text


def quoted(text: str) -> str:
    return f"‘{text}’"


def year_list(data: EditionData) -> YearList | None:
    """The edition year's list from its chapter 6, else from its priority_list.yml; None if it has neither."""
    year = data.year
    if data.has("priorities"):
        source = data.get("priorities")
        name, period, derived, note = "priorities", f"{year}/{(year + 1) % 100:02d}", (f"Ch.6 of the {year} CSA",), None
        first = False
    elif data.has("priority_list"):
        source = data.get("priority_list")
        name, period, derived, note = "priority_list", source.period, tuple(source.derived_from), source.note
        first = source.first_version
    else:
        return None
    items = tuple(Item(p.id, p.name, "priority") for p in source.priorities) + tuple(
        Item(t.id, t.name, "theme") for t in source.themes)
    return YearList(year, period, items, derived, note, data.reads[name].path, first)


def county_data(year: int, project: Project, data: EditionData | None = None) -> EditionData:
    """The county data of `year`: `data` itself when it is that, else a new EditionData (its reads are recorded)."""
    if data is not None and data.year == year and data.district == COUNTY:
        return data
    return EditionData(year, COUNTY, project)


def priority_history(data: EditionData, upto: int | None = None) -> list[YearList]:
    """Every county list up to `upto` (default: the edition's year), oldest first."""
    upto = data.year if upto is None else upto
    found = []
    for year in available_years(data.project):
        if year <= upto:
            listed = year_list(county_data(year, data.project, data))
            if listed is not None:
                found.append(listed)
    return found


def list_changes(before: YearList, after: YearList) -> list[Change]:
    """Priorities and themes added, removed, renamed or moved between priority and theme, in `after`'s order."""
    old, new = before.by_id(), after.by_id()
    changes = []
    for item in after.items:
        kind = KINDS[item.kind]
        prev = old.get(item.id)
        if prev is None:
            changes.append(Change("priorities", "added", kind, None, item.name, f"new {kind} {quoted(item.name)} added"))
            continue
        if prev.kind != item.kind:
            changes.append(Change("priorities", "moved", kind, prev.name, item.name,
                                  f"{KINDS[prev.kind]} {quoted(prev.name)} became the {kind} {quoted(item.name)}"))
        elif prev.name != item.name:
            changes.append(Change("priorities", "renamed", kind, prev.name, item.name,
                                  f"{kind} {quoted(prev.name)} became {quoted(item.name)}"))
    for item in before.items:
        if item.id not in new:
            kind = KINDS[item.kind]
            changes.append(Change("priorities", "removed", kind, item.name, None, f"{kind} {quoted(item.name)} removed"))
    return changes


@dataclass(frozen=True)
class Track:
    """One priority or theme across the years: the name and kind it had in each year it was held."""

    id: str
    name: str  # its latest name
    kind: str  # its latest kind
    held: dict[int, Item]


def tracks(history: list[YearList]) -> list[Track]:
    """Each id once: the latest year's priorities then themes in its order, then ids no longer held, latest first."""
    order: list[str] = []
    for listed in reversed(history):
        for kind in ("priority", "theme"):
            order += [i.id for i in listed.items if i.kind == kind and i.id not in order]
    result = []
    for id_ in order:
        held = {y.year: y.by_id()[id_] for y in history if id_ in y.by_id()}
        latest = held[max(held)]
        result.append(Track(id_, latest.name, latest.kind, held))
    kinds = {"priority": 0, "theme": 1}
    return sorted(result, key=lambda t: (max(t.held) != history[-1].year, kinds[t.kind]))


def history_frame(history: list[YearList]) -> pd.DataFrame:
    """One row per year: its priorities, its themes, and what changed from the year before."""
    rows = []
    for i, listed in enumerate(history):
        if i == 0:
            changes = ["first version of the CSA" if listed.first_version else "earliest year held"]
        else:
            changes = [c.text for c in list_changes(history[i - 1], listed)] or ["no change"]
        rows.append({"Year": f"{listed.year} ({listed.period})", "Priorities": [p.name for p in listed.priorities],
                     "Cross-cutting themes": [t.name for t in listed.themes], "Changes from the year before": changes})
    return pd.DataFrame(rows, columns=["Year", "Priorities", "Cross-cutting themes", "Changes from the year before"])


def history_alt(history: list[YearList]) -> str:
    """A text equivalent of the history chart: each priority and theme with the years it was held."""
    parts = []
    for track in tracks(history):
        years = sorted(track.held)
        span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
        text = f"{KINDS[track.kind]} {track.name}: {span}"
        earlier = _collapse(track, years)
        if earlier:
            text += " (" + "; ".join(earlier) + ")"
        parts.append(text)
    first, last = history[0].year, history[-1].year
    return f"Kent CSA priorities and cross-cutting themes held in each year, {first} to {last}. " + ". ".join(
        p[0].upper() + p[1:] for p in parts) + "."


def _collapse(track: Track, years: list[int]) -> list[str]:
    """'named X in 2017–2019' for each run of years in which a track had an earlier name."""
    runs: list[tuple[str, list[int]]] = []
    for y in years:
        name = track.held[y].name
        if name == track.name:
            continue
        if runs and runs[-1][0] == name and runs[-1][1][-1] == y - 1:
            runs[-1][1].append(y)
        else:
            runs.append((name, [y]))
    return [f"named {quoted(n)} in " + (f"{ys[0]}–{ys[-1]}" if len(ys) > 1 else str(ys[0])) for n, ys in runs]


def history_problems(project: Project) -> list[Problem]:
    """Checks across years: one list per year, and one id per name (a renamed priority keeps its id)."""
    problems: list[Problem] = []
    first_seen: dict[str, tuple[str, int, str]] = {}
    for year in available_years(project):
        data = EditionData(year, COUNTY, project)
        if data.has("priorities") and data.has("priority_list"):
            problems.append(Problem(project.relative(data.locate("priority_list")[1]), "",
                                    f"{year} has both priorities.yml and priority_list.yml",
                                    "priority_list.yml only for a year without priorities.yml; remove one"))
            continue
        try:
            listed = year_list(data)
        except DataError:  # the file's own problems are reported by validate_edition
            continue
        if listed is None:
            continue
        for item in listed.items:
            key = " ".join(item.name.lower().split())
            if key in first_seen and first_seen[key][0] != item.id:
                other_id, other_year, other_path = first_seen[key]
                where = "priorities" if item.kind == "priority" else "themes"
                index = listed.items.index(item) - (0 if item.kind == "priority" else len(listed.priorities))
                problems.append(Problem(listed.path, f"{where}[{index}].id",
                                        f"{quoted(item.name)} has id '{item.id}' in {year} but '{other_id}' in "
                                        f"{other_year} ({other_path})",
                                        f"the same id in every year: '{other_id}' (ids are kept across years, "
                                        "renames included)"))
            first_seen.setdefault(key, (item.id, year, listed.path))
    return problems


def chart_groups(history: list[YearList]) -> tuple[list[str], list[tuple[str, list[tuple[str, list[str | None]]]]]]:
    """The columns (years) and row groups of the history chart: a cell says 'new' or 'renamed' where that happened."""
    years = [y.year for y in history]
    groups = []
    for kind, heading in (("priority", "Priorities"), ("theme", "Cross-cutting themes")):
        rows = []
        for track in (t for t in tracks(history) if t.kind == kind):
            cells: list[str | None] = []
            for i, year in enumerate(years):
                item = track.held.get(year)
                before = track.held.get(years[i - 1]) if i else None
                if item is None:
                    cells.append(None)
                elif i and before is None:
                    cells.append("new")
                elif before is not None and (before.name != item.name or before.kind != item.kind):
                    cells.append("renamed" if before.kind == item.kind else "moved")
                else:
                    cells.append("")
            rows.append((track.name, cells))
        groups.append((heading, rows))
    return [str(y) for y in years], groups
