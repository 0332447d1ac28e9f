"""Views of the action plan for the book: flat tables of actions, and counts for the overview charts."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from csabook.model.schema import ActionPlan, Agencies

ACTION_COLUMNS = ["Action ID", "No.", "Priority", "Objective", "Actions", "Measures", "Timescale", "Lead agency"]
OBJECTIVE_COLUMNS = ("No.", "Priority", "Objective")  # said once, in the heading row of each objective's actions


def objective_headings(frame: pd.DataFrame) -> list[str]:
    """For each row of actions_frame(), the heading of its objective: "Objective 1.1 (Domestic Abuse): ..."."""
    return [f"Objective {no} ({priority}): {objective}"
            for no, priority, objective in zip(frame["No."], frame["Priority"], frame["Objective"])]


def group_label(group) -> str:
    return group.priority


def objective_label(objective) -> str:
    return objective.number + ("*" if objective.linked_partnership else "")


def actions_frame(plan: ActionPlan) -> pd.DataFrame:
    """One row per (actions, measures, timescale, lead) row of the plan, in published order."""
    records = []
    for group in plan.groups:
        for obj in group.objectives:
            for row in obj.rows:
                records.append({
                    "Action ID": row.id,
                    "No.": objective_label(obj),
                    "Priority": group_label(group),
                    "Objective": f"{obj.theme}: {obj.outcome}" if obj.theme else obj.outcome,
                    "Actions": list(row.actions),
                    "Measures": list(row.measures),
                    "Timescale": row.timescale,
                    "Lead agency": row.lead,
                    "_agencies": row.agencies,
                    "_due": row.due,
                })
    return pd.DataFrame(records)


def lead_names(frame: pd.DataFrame, agencies: Agencies) -> list[list[str]]:
    """Each action's lead agencies by their registered names (the spellings the text uses for one agency are one)."""
    return [[a.name for a in agencies.named(leads)] for leads in frame["_agencies"]]


def due_option(timescale) -> str:
    """The timescale filter's option for a parsed timescale: 'Due by Mar 2025', 'Ongoing'."""
    if timescale.kind == "date":
        return f"Due by {timescale.label}"
    return timescale.label


def due_options(frame: pd.DataFrame) -> list[str]:
    """Timescale options in date order, ongoing and others last."""
    dues = sorted({t for t in frame["_due"]}, key=lambda t: (t.kind != "date", t.due or 0, t.text))
    return list(dict.fromkeys(due_option(t) for t in dues))


def objectives_per_group(plan: ActionPlan) -> list[tuple[str, int]]:
    return [(group_label(g), len(g.objectives)) for g in plan.groups]


def objectives_per_agency(plan: ActionPlan, agencies: Agencies) -> list[tuple[str, int]]:
    """How many objectives each registered agency leads at least one row of, most first (by its registered name:
    the spellings the text uses for one agency count once)."""
    counts: Counter = Counter()
    for obj in plan.objectives:
        for name in sorted({a.name for row in obj.rows for a in agencies.named(row.agencies)}):
            counts[name] += 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def workbook_sheets(plan: ActionPlan) -> dict[str, pd.DataFrame]:
    """The whole plan as spreadsheet sheets: every action (as in the 'All actions' table, plus its due date),
    every objective, and the plan's details and colour key."""
    frame = actions_frame(plan)
    actions = frame[ACTION_COLUMNS].copy()
    actions.insert(ACTION_COLUMNS.index("Timescale") + 1, "Due by",
                   [t.iso or t.label for t in frame["_due"]])
    objectives = pd.DataFrame([{"No.": objective_label(o), "Priority": group_label(g), "Aim": g.aim or "",
                                "Theme": o.theme or "", "Outcome": o.outcome,
                                "Linked to another partnership": "yes" if o.linked_partnership else "no",
                                "Action rows": len(o.rows)} for g in plan.groups for o in g.objectives])
    about = [("Title", plan.title), ("Status", plan.status or ""), ("Version", plan.version or "")]
    about += [(f"Key: {k.colour}", k.text) for k in plan.key]
    return {"Actions": actions, "Objectives": objectives, "About": pd.DataFrame(about, columns=["Item", "Value"])}
