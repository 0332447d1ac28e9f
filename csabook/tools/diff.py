"""Compare two years' data and draft the version-control rows that describe the changes, in the CSA's own style.

Each area (priorities and themes, leads, plans, Appendix A, MoRiLE, horizon scan) is compared only when both years
hold its data; the others are listed as not compared. The years 2017 to 2021 hold priorities and themes only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from csabook.model.loader import COUNTY, EditionData, available_years
from csabook.model.editions import districts_in_year
from csabook.errors import SelectionError
from csabook.content.history import Change, list_changes, quoted, year_list
from csabook.paths import Project, get_project


@dataclass(frozen=True)
class Area:
    """One part of the CSA that can be compared: the data it needs and how its version-control row reads.

    `files` lists what a year must hold: each entry is a tuple of data files, any one of which will do (a year's
    priorities come from its chapter 6, or for the history years from its priority list)."""

    key: str
    title: str
    files: tuple[tuple[str, ...], ...]
    compare: Callable[[EditionData, EditionData], list[Change]]
    row: Callable[[list[Change]], str]


@dataclass(frozen=True)
class AreaResult:
    area: Area
    held: tuple[bool, bool]  # whether the first and the second year hold its data
    changes: tuple[Change, ...]

    @property
    def compared(self) -> bool:
        return all(self.held)

    @property
    def row(self) -> str | None:
        return self.area.row(list(self.changes)) if self.compared and self.changes else None


@dataclass(frozen=True)
class YearDiff:
    """What changed from `before` to `after` in one district's (or the county's) data."""

    before: int
    after: int
    district: str
    results: tuple[AreaResult, ...]
    appendix_e: bool  # whether the later year has an Appendix E, which mirrors chapter 6

    def text(self) -> str:
        """The report `csabook diff` prints."""
        return format_diff(self)

    @property
    def compared(self) -> list[AreaResult]:
        return [r for r in self.results if r.compared]

    @property
    def not_compared(self) -> list[AreaResult]:
        """The areas only one of the two years holds (an area neither holds is not part of either)."""
        return [r for r in self.results if not r.compared and any(r.held)]

    @property
    def changes(self) -> list[Change]:
        return [c for r in self.results for c in r.changes]

    def rows(self) -> list[str]:
        """Draft version-control rows, in the order of the published table."""
        rows = []
        for result in self.results:
            if result.row:
                rows.append(result.row)
                if result.area.key == "priorities" and self.appendix_e:
                    rows.append(appendix_e_row(list(result.changes)))
        return sorted(rows, key=row_order)

    def held_text(self, result: AreaResult) -> str:
        years = [y for y, held in zip((self.before, self.after), result.held) if held]
        return f"{years[0]} only" if len(years) == 1 else "neither year"


# The areas --------------------------------------------------------------------------------------------------------


def priorities_changes(a: EditionData, b: EditionData) -> list[Change]:
    return list_changes(year_list(a), year_list(b))


def _single(changes: list[Change]) -> str | None:
    """The published wording for a single change to chapter 6 ("addition of a new cross-cutting theme")."""
    if len(changes) != 1:
        return None
    change = changes[0]
    return {"added": f"addition of a new {change.item}", "renamed": f"minor change to one {change.item}",
            "removed": f"removal of one {change.item}"}.get(change.action)


def priorities_row(changes: list[Change]) -> str:
    single = _single(changes)
    if single:
        return f"Ch.6 - {single}"
    kinds = {c.item for c in changes} | {"priority" for c in changes if c.action == "moved"}
    if kinds >= {"priority", "cross-cutting theme"}:
        return "Ch.6 - changes made to priorities and cross-cutting themes"
    return "Ch.6 - changes made to priorities" if "priority" in kinds else "Ch.6 - changes made to cross-cutting themes"


def appendix_e_row(changes: list[Change]) -> str:
    single = _single(changes)
    return f"Appendix E - {single}" if single else "Appendix E - amendments to reflect Ch.6"


def leads_changes(a: EditionData, b: EditionData) -> list[Change]:
    old = {r.priority_id: r for r in a.get("leads_table")}
    new = {r.priority_id: r for r in b.get("leads_table")}
    changes = []
    for pid, row in new.items():
        if pid not in old:
            changes.append(Change("leads", "added", "lead", None, row.lead,
                                  f"lead for the new priority {quoted(row.priority)}: {quoted(row.lead)}"))
        elif old[pid].lead != row.lead:
            changes.append(Change("leads", "changed", "lead", old[pid].lead, row.lead,
                                  f"lead for {quoted(row.priority)} changed from {quoted(old[pid].lead)} to "
                                  f"{quoted(row.lead)}"))
    for pid, row in old.items():
        if pid not in new:
            changes.append(Change("leads", "removed", "lead", row.lead, None,
                                  f"lead for {quoted(row.priority)} removed ({quoted(row.lead)})"))
    return changes


def _added_removed(area: str, item: str, old: list[str], new: list[str], context: str = "") -> list[Change]:
    where = f" ({context})" if context else ""
    changes = [Change(area, "added", item, None, x, f"{item} {quoted(x)} added{where}") for x in new if x not in old]
    changes += [Change(area, "removed", item, x, None, f"{item} {quoted(x)} removed{where}") for x in old if x not in new]
    return changes


def plans_changes(a: EditionData, b: EditionData) -> list[Change]:
    return _added_removed("plans", "plan", [r.plan for r in a.get("plans_table")], [r.plan for r in b.get("plans_table")])


def _moved(area: str, item: str, old: dict, new: dict, describe) -> list[Change]:
    """Keys added or removed, then keys whose value moved, described by describe(key, before, after)."""
    changes = _added_removed(area, item, list(old), list(new))
    for key, value in new.items():
        if key in old and old[key] != value:
            changes.append(Change(area, "moved", item, str(old[key]), str(value), describe(key, old[key], value)))
    return changes


def appendix_a_changes(a: EditionData, b: EditionData) -> list[Change]:
    return _moved("appendix_a", "issue", {r.issue: r.csps for r in a.get("appendix_a_table")},
                  {r.issue: r.csps for r in b.get("appendix_a_table")},
                  lambda issue, before, after: f"{quoted(issue)}: identified by {after} CSPs, {before} before")


def morile_changes(a: EditionData, b: EditionData) -> list[Change]:
    return _moved("morile", "MoRiLE item", {r.issue: r.rank for r in a.get("morile_table")},
                  {r.issue: r.rank for r in b.get("morile_table")},
                  lambda issue, before, after: f"{quoted(issue)} moved {'up' if after < before else 'down'} from rank "
                                               f"{before} to {after}")


def _pestelo_items(data: EditionData) -> dict[str, list[str]]:
    return {cat.name.split()[0]: [i for g in cat.groups for i in g.items] for cat in data.get("appendix_c").categories}


def pestelo_changes(a: EditionData, b: EditionData) -> list[Change]:
    old, new = _pestelo_items(a), _pestelo_items(b)
    changes = []
    for category, items in new.items():
        changes += _added_removed("pestelo", "PESTELO item", old.get(category, []), items, category)
    return changes


def _plan_rows(data: EditionData) -> dict[str, object]:
    """Each action row of the action plan by 'objective-n' (its objective's number and its place there)."""
    return {f"{o.number}-{i}": row for o in data.get("action_plan").objectives for i, row in enumerate(o.rows, 1)}


def action_plan_changes(a: EditionData, b: EditionData) -> list[Change]:
    """Objectives added, removed or changed; actions added, removed or moved between objectives; leads and
    timescales of the same action row changed."""
    old = {o.number: o for o in a.get("action_plan").objectives}
    new = {o.number: o for o in b.get("action_plan").objectives}
    changes = _moved("action_plan", "objective", {n: o.outcome for n, o in old.items()},
                     {n: o.outcome for n, o in new.items()},
                     lambda number, before, after: f"objective {number} now reads {quoted(after)}")
    where_old = {text: n for n, o in old.items() for r in o.rows for text in r.actions}
    where_new = {text: n for n, o in new.items() for r in o.rows for text in r.actions}
    for text, number in where_new.items():
        if text not in where_old:
            changes.append(Change("action_plan", "added", "action", None, text,
                                  f"action {quoted(text)} added (objective {number})"))
        elif where_old[text] != number:
            changes.append(Change("action_plan", "moved", "action", where_old[text], number,
                                  f"action {quoted(text)} moved from objective {where_old[text]} to {number}"))
    changes += [Change("action_plan", "removed", "action", text, None,
                       f"action {quoted(text)} removed (objective {number})")
                for text, number in where_old.items() if text not in where_new]
    rows_old, rows_new = _plan_rows(a), _plan_rows(b)
    for key, row in rows_new.items():
        before = rows_old.get(key)
        for field in ("lead", "timescale"):
            if before is not None and getattr(before, field) != getattr(row, field):
                changes.append(Change("action_plan", "changed", field, getattr(before, field), getattr(row, field),
                                      f"objective {key.rsplit('-', 1)[0]}, action row {key.rsplit('-', 1)[1]}: "
                                      f"{field} {quoted(getattr(before, field))} became "
                                      f"{quoted(getattr(row, field))}"))
    return changes


AREAS = (
    Area("priorities", "Ch.6 Priorities and cross-cutting themes", (("priorities", "priority_list"),),
         priorities_changes,
         priorities_row),
    Area("leads", "Ch.7 Leads", (("leads_table",),), leads_changes, lambda _: "Ch.7 - priority leads updated"),
    Area("plans", "Ch.8 Plans", (("plans_table",),), plans_changes, lambda _: "Ch.8 - changes to the list of plans"),
    Area("appendix_a", "Appendix A Strategic assessment outcomes", (("appendix_a_table",),), appendix_a_changes,
         lambda _: "Appendix A - strategic assessment outcomes updated"),
    Area("morile", "Appendix B MoRiLE", (("morile_table",),), morile_changes,
         lambda _: "Appendix B - MoRiLE outcomes refreshed"),
    Area("pestelo", "Appendix C Horizon scan (PESTELO)", (("appendix_c",),), pestelo_changes,
         lambda _: "Appendix C - refreshed horizon scanning"),
    Area("action_plan", "Action plan", (("action_plan",),), action_plan_changes,
         lambda _: "Action plan - objectives, actions, leads and timescales updated"),
)

_ROW_ORDER = ("Ch.", "Appendix A", "Appendix B", "Appendix C", "Appendix D", "Appendix E")


def row_order(row: str) -> tuple:
    for i, prefix in enumerate(_ROW_ORDER):
        if row.startswith(prefix):
            number = row[3:].split(" ")[0] if prefix == "Ch." else "0"
            return (i, int(number) if number.isdigit() else 0)
    return (len(_ROW_ORDER), 0)


def holds(data: EditionData, files: tuple[tuple[str, ...], ...]) -> bool:
    """True when the data has, for each entry of `files`, one of its files."""
    return all(any(data.has(name) for name in either) for either in files)


def compare_data(before: EditionData, after: EditionData) -> YearDiff:
    """Every area both years hold, compared; the others marked as not compared."""
    results = []
    for area in AREAS:
        held = (holds(before, area.files), holds(after, area.files))
        changes = area.compare(before, after) if all(held) else []
        results.append(AreaResult(area, held, tuple(changes)))
    return YearDiff(before.year, after.year, after.district, tuple(results), after.has("appendix_e"))


def compare_years(before: int, after: int, district: str = COUNTY, project: Project | None = None) -> YearDiff:
    """What changed between two data years; both must exist under data/."""
    project = project or get_project()
    years = available_years(project)
    for year in (before, after):
        if year not in years:
            raise SelectionError(f"no data for year {year}; expected one of: " + ", ".join(map(str, years)),
                                 hint=f"The data of a year live in {project.relative(project.data)}/<year>/county/.")
    if before == after:
        raise SelectionError(f"both years are {before}; expected two different years")
    if district != COUNTY:
        known = sorted(set(districts_in_year(before, project)) | set(districts_in_year(after, project)))
        if district not in known:
            raise SelectionError(f"unknown district {district!r} for {before} and {after}; expected county"
                                 + "".join(f", {d}" for d in known))
    return compare_data(EditionData(before, district, project), EditionData(after, district, project))


def previous_year(data: EditionData) -> int | None:
    """The latest year before the edition's that has any data."""
    earlier = [y for y in available_years(data.project) if y < data.year]
    return earlier[-1] if earlier else None


def changes_since_previous(data: EditionData) -> YearDiff | None:
    """The edition's changes from the previous year's data, or None when there is no earlier year."""
    year = previous_year(data)
    if year is None:
        return None
    return compare_data(EditionData(year, data.district, data.project), data)


def format_diff(diff: YearDiff) -> str:
    """The report `csabook diff` prints: the changes by area, what was not compared, the draft rows."""
    place = "county" if diff.district == COUNTY else diff.district
    lines = [f"Changes from {diff.before} to {diff.after} ({place})", ""]
    for result in diff.compared:
        lines.append(result.area.title)
        lines += [f"  - {c.text}" for c in result.changes] or ["  no change"]
        lines.append("")
    if not diff.compared:
        lines += [f"Nothing to compare: {diff.before} and {diff.after} hold no data in common.", ""]
    if diff.not_compared:
        lines.append("Not compared, as only one year holds the data:")
        lines += [f"  - {r.area.title} ({diff.held_text(r)})" for r in diff.not_compared]
        lines.append("")
    rows = diff.rows()
    layer = "county" if diff.district == COUNTY else f"districts/{diff.district}"
    target = f"data/{diff.after}/{layer}/version_control.yml"
    if rows:
        lines.append(f"Draft version-control rows (the changes: list of a new version in {target}):")
        lines += [f'  - "{row}"' for row in rows]
    else:
        lines.append("No change found, so no version-control row to draft.")
    return "\n".join(lines)
