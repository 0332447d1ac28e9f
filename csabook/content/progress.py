"""The progress report: the action plan's quarterly returns as tables of status, overdue actions and missing returns.

Every view starts from `progress(data)`: one row per action of the plan, with its status in each quarter that has
returns ("No return" where no lead agency returned it), in plan order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from csabook.content.actionplan import actions_frame, lead_names
from csabook.model.agencies import load_agencies
from csabook.model.loader import EditionData
from csabook.model.quarters import NO_RETURN, QUARTERS, STATUSES, quarter_end
from csabook.model.schema import QuarterlyReturns

REPORT_STATUSES = (*STATUSES, NO_RETURN)  # the rows of the summary table, in order


@dataclass(frozen=True)
class Progress:
    """An edition's returns against its plan: `frame` has one row per action, a column per reported quarter."""

    year: int
    quarters: tuple[str, ...]  # the quarters with returns, in order
    frame: pd.DataFrame

    @property
    def latest(self) -> str:
        return self.quarters[-1]

    @property
    def report_date(self) -> date:
        return quarter_end(self.year, self.latest)

    @property
    def year_end(self) -> bool:
        return self.latest == QUARTERS[-1]


def long_date(day: date) -> str:
    """'30 September 2024'."""
    return f"{day.day} {day:%B %Y}"


def has_returns(data: EditionData) -> bool:
    return data.has("action_plan") and data.has("quarterly_returns")


def progress(data: EditionData) -> Progress:
    """The edition's plan with its returns: one row per action (plan order)."""
    returns: QuarterlyReturns = data.get("quarterly_returns")
    agencies = load_agencies(data.project)
    plan = actions_frame(data.get("action_plan"))
    quarters = tuple(q.quarter for q in returns.quarters)
    latest = {r.action: r for r in returns.quarters[-1].returns}
    frame = pd.DataFrame({
        "Action ID": plan["Action ID"],
        "No.": plan["No."],
        "Priority": plan["Priority"],
        "Action": ["\n".join(a) for a in plan["Actions"]],
        "Lead agency": plan["Lead agency"],
        "Due": [t.iso for t in plan["_due"]],
        "_leads": lead_names(plan, agencies),
    })
    for q in returns.quarters:
        given = {r.action: r.status for r in q.returns}
        frame[q.quarter] = [given.get(i, NO_RETURN) for i in frame["Action ID"]]
    frame["Status"] = frame[quarters[-1]]
    frame["Commentary"] = [latest[i].commentary if i in latest else "" for i in frame["Action ID"]]
    frame["Updated by"] = [(latest[i].updated_by or "") if i in latest else "" for i in frame["Action ID"]]
    frame["Date updated"] = [(latest[i].date_updated or "") if i in latest else "" for i in frame["Action ID"]]
    return Progress(data.year, quarters, frame)


def status_counts(statuses) -> list[int]:
    """How many of `statuses` are each of REPORT_STATUSES, in order."""
    found = list(statuses)
    return [found.count(s) for s in REPORT_STATUSES]


def status_summary(p: Progress) -> pd.DataFrame:
    """One row per status (and "No return") with its count of actions, then the total."""
    counts = status_counts(p.frame["Status"])
    rows = [{"Status": s, "Actions": n} for s, n in zip(REPORT_STATUSES, counts)]
    return pd.DataFrame(rows + [{"Status": "Total", "Actions": sum(counts)}])


def status_by_priority(p: Progress) -> pd.DataFrame:
    """Actions per priority (rows, plan order) and status (columns), with each priority's total."""
    rows = []
    for priority, group in p.frame.groupby("Priority", sort=False):
        counts = status_counts(group["Status"])
        rows.append({"Priority": priority, **dict(zip(REPORT_STATUSES, counts)), "Total": sum(counts)})
    return pd.DataFrame(rows, columns=["Priority", *REPORT_STATUSES, "Total"])


def overdue(p: Progress) -> pd.DataFrame:
    """The actions due before the report date whose latest status is not Complete (no return included)."""
    report = p.report_date.isoformat()
    late = p.frame[(p.frame["Due"] != "") & (p.frame["Due"] < report) & (p.frame["Status"] != "Complete")]
    return late[["Action ID", "Priority", "Action", "Lead agency", "Due", "Status"]].reset_index(drop=True)


def no_return_by_lead(p: Progress) -> pd.DataFrame:
    """The actions with no return in the latest quarter, under each of their lead agencies (registered names)."""
    rows = []
    missing = p.frame[p.frame["Status"] == NO_RETURN]
    for lead in sorted({name for names in missing["_leads"] for name in names}):
        mine = missing[[lead in names for names in missing["_leads"]]]
        rows.append({"Lead agency": lead, "Actions": len(mine), "Action IDs": list(mine["Action ID"])})
    return pd.DataFrame(rows, columns=["Lead agency", "Actions", "Action IDs"])


def by_quarter(p: Progress) -> pd.DataFrame:
    """The count of actions in each status (rows) at each reported quarter (columns)."""
    rows = [{"Status": s, **{q: list(p.frame[q]).count(s) for q in p.quarters}} for s in REPORT_STATUSES]
    return pd.DataFrame(rows, columns=["Status", *p.quarters])


def action_history(p: Progress) -> pd.DataFrame:
    """Each action's status at each reported quarter, with its due date."""
    return p.frame[["Action ID", "Due", *p.quarters]]


def completed(p: Progress) -> pd.DataFrame:
    """The actions Complete at the latest quarter, with their commentary: a draft of next year's achievements."""
    done = p.frame[p.frame["Status"] == "Complete"]
    return done[["Action ID", "Priority", "Action", "Lead agency", "Commentary"]].reset_index(drop=True)


def year_end_summary(p: Progress) -> pd.DataFrame:
    """Per priority: actions, complete, and complete as a share of the priority's actions, then the total."""
    rows = []
    for priority, group in [*p.frame.groupby("Priority", sort=False), ("Total", p.frame)]:
        done = int((group["Status"] == "Complete").sum())
        rows.append({"Priority": priority, "Actions": len(group), "Complete": done,
                     "Complete (%)": round(100 * done / len(group)) if len(group) else 0})
    return pd.DataFrame(rows, columns=["Priority", "Actions", "Complete", "Complete (%)"])


def returns_problems(returns: QuarterlyReturns, data: EditionData, shown: str) -> list:
    """The returns checked against the plan beside them and the agencies register: each action is the plan's, each
    agency registered and a lead of the action, each report date its quarter's last day."""
    from csabook.errors import Problem

    agencies = load_agencies(data.project)
    plan = actions_frame(data.get("action_plan"))
    leads = {i: {a.slug for a in agencies.named(names)} for i, names in zip(plan["Action ID"], plan["_agencies"])}
    registered = {a.slug for a in agencies.agencies}
    problems = []
    for q, quarter in enumerate(returns.quarters):
        expected = quarter_end(data.year, quarter.quarter).isoformat()
        if quarter.report_date != expected:
            problems.append(Problem(shown, f"quarters[{q}].report_date", f"{quarter.report_date} is not the last day "
                                    f"of {quarter.quarter} {data.year}/{(data.year + 1) % 100:02d}", expected))
        for r, item in enumerate(quarter.returns):
            where = f"quarters[{q}].returns[{r}]"
            if item.action not in leads:
                problems.append(Problem(shown, where + ".action", f"'{item.action}' is not an action of the plan",
                                        f"an action id of {data.reads['action_plan'].path}"))
                continue
            for slug in item.agencies:
                if slug not in registered:
                    problems.append(Problem(shown, where + ".agencies", f"'{slug}' is not a registered agency",
                                            "a slug from data/agencies.yml"))
                elif slug not in leads[item.action]:
                    problems.append(Problem(shown, where + ".agencies", f"'{slug}' does not lead action "
                                            f"{item.action}", "the slug of one of its lead agencies: "
                                            + ", ".join(sorted(leads[item.action]))))
    return problems
