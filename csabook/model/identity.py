"""What an edition is, in the words its title, home page and the editions index use: the Community Safety
Agreement or a year's Action Plan alone, for the county or a district, published or a draft.

Every word comes from the edition's own data (the document's or the action plan's title, version and status, the
district's register name) or from csabook's fixed phrases; nothing is inferred about the content.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from csabook.model.loader import EditionData

AGREEMENT, ACTION_PLAN = "agreement", "action plan"
PUBLISHED, DRAFT = "Published", "Draft"


@dataclass(frozen=True)
class Identity:
    kind: str  # AGREEMENT or ACTION_PLAN
    name: str  # the edition's name: the editions index (beside its status)
    title: str  # the edition's full name: the browser's title, the sidebar, the PDF and the editions index
    heading: str  # the home page's h1
    period: str  # the line under the h1: edition, version, date
    summary: str  # one sentence: what a reader finds in it
    status: str  # PUBLISHED or DRAFT
    draft_reason: str  # why it is a draft ("" when published)

    def as_record(self) -> dict:
        return asdict(self)


def _plan_name(title: str) -> str:
    """An action plan's name from its published title: without the "(CSA)" abbreviation or the dash before the
    plan year ("Kent Community Safety Agreement (CSA) Action Plan - 2024/25" is "Kent Community Safety Agreement
    Action Plan 2024/25")."""
    name = re.sub(r"\s*\(CSA\)", "", title)
    return " ".join(re.sub(r"\s+[-–]\s+(?=\d{4}/\d{2})", " ", name).split())


def identify(data: EditionData) -> Identity:
    """The edition's identity, from its data."""
    from csabook.model.districts import district_name
    from csabook.model.review import all_pending

    county = data.district == "county"
    place = "Kent (county-wide)" if county else district_name(data.district, data.project)
    reasons = []
    pending = all_pending(data)
    if pending:
        reasons.append(f"{len(pending)} data file(s) carried over from an earlier year still need review")
    if data.has("document"):
        doc = data.get("document")
        kind, name = AGREEMENT, f"{doc.title} {data.year}"
        period = f"Version {doc.version}, {doc.date}"
        summary = ("The community safety priorities agreed by the Kent Community Safety Partnership, with the "
                   "chapters and appendices of the agreement")
    else:
        plan = data.get("action_plan")
        status = str(getattr(plan, "status", "") or "")
        kind = ACTION_PLAN
        name = _plan_name(plan.title)
        version = f"Version {plan.version}" if plan.version else ""
        period = plan.title + (f" ({' '.join(x for x in (status, version) if x)})" if status or version else "")
        summary = ("The Action Plan only: each priority's objectives and actions, with their measures, timescales "
                   "and lead agencies. It does not repeat the chapters of the agreement")
        if status.strip().upper() == "DRAFT":
            reasons.append("the action plan is marked DRAFT in its source")
    if county:
        title = heading = name
    elif re.sub(r"\s*\(.*?\)", "", place) in name:  # a district's own plan, under its own name
        title = heading = name
    else:
        title = f"{name}: {place} edition"
        heading = f"{place}: {name}"
    status = DRAFT if reasons else PUBLISHED
    return Identity(kind, title, f"{title} (draft)" if status == DRAFT else title, heading, f"Edition: {data.year}, {place}. {period}.", summary + ".", status,
                    "; ".join(reasons))
