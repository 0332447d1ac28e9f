"""Appendix A from the districts' strategic-assessment returns, when every district has supplied one."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from csabook.model.loader import COUNTY, EditionData
from csabook.model.districts import load_register

if TYPE_CHECKING:
    import pandas as pd


def short_issue(issue: str) -> str:
    """An issue's name without its bracketed detail: 'Substance Misuse (including ...)' → 'Substance Misuse'."""
    return re.split(r"\s+\(", issue, maxsplit=1)[0].strip()


def issue_key(issue: str) -> str:
    """How a return names an Appendix A issue: its short name (short_issue), in any case.

    'Safeguarding and Vulnerability (including ...)' is matched by 'Safeguarding and Vulnerability'.
    """
    return short_issue(issue).casefold()


def district_returns(data: EditionData) -> dict[str, object]:
    """Each district CSP's strategic-assessment return for the edition's year, where it has one (fictional
    examples are not district CSPs)."""
    found = {}
    for district in load_register(data.project).partnerships:
        other = data if data.district == district.slug else EditionData(data.year, district.slug, data.project)
        if other.has("strategic_assessment"):
            found[district.slug] = other.get("strategic_assessment")
    return found


def unknown_issues(identified: list[str], issues: list[str]) -> list[str]:
    """The names in a return that match no Appendix A issue."""
    keys = {issue_key(i) for i in issues}
    return [name for name in identified if issue_key(name) not in keys]


def appendix_a_counts(data: EditionData) -> tuple[pd.DataFrame, str]:
    """(issue, csps) for Appendix A, and a sentence saying where the counts come from.

    With a return from every registered district the counts are computed from the returns; otherwise the
    published county table is used.
    """
    county = data if data.district == COUNTY else EditionData(data.year, COUNTY, data.project)
    published = county.table("appendix_a_table")[["issue", "csps"]]
    total = district_count(data)
    returns = district_returns(data)
    if len(returns) < total:
        # What readers are told is the table's source; how many returns an analyst still awaits is said only
        # once some have come in (with none, the published table simply is the appendix).
        waiting = (f" {len(returns)} of {total} district CSPs have supplied a strategic-assessment return for "
                   f"{data.year}; the counts will be computed from the returns once all {total} have.") if returns else ""
        return published, "Source: the published county table of the Community Safety Agreement." + waiting
    import pandas as pd

    keys = {slug: {issue_key(i) for i in r.identified} for slug, r in returns.items()}
    counts = [sum(issue_key(issue) in k for k in keys.values()) for issue in published["issue"]]
    frame = pd.DataFrame({"issue": list(published["issue"]), "csps": counts})
    return frame, (f"Source: computed from the strategic-assessment returns of all {total} district CSPs "
                   f"(data/{data.year}/districts/<district>/strategic_assessment.yml).")


def district_count(data: EditionData) -> int:
    """How many district CSPs there are: the scale of Appendix A's counts."""
    return len(load_register(data.project).partnerships)
