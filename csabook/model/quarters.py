"""The monitoring calendar: quarters of the financial year a plan covers, and the statuses a return may give."""

from __future__ import annotations

from datetime import date

QUARTERS = ("Q1", "Q2", "Q3", "Q4")
# What a lead agency may say of an action in its quarterly return, in the order reports list them.
STATUSES = ("Complete", "On track", "At risk", "Off track", "Not started")
NEEDS_COMMENTARY = ("At risk", "Off track")  # a return with these statuses says why
NO_RETURN = "No return"  # an action no lead agency returned for the quarter


def quarter_end(plan_year: int, quarter: str) -> date:
    """The last day of `quarter` of the financial year that starts in April of `plan_year` (the report date).

    For the 2024/25 plan: Q1 ends 30 June 2024, Q4 ends 31 March 2025."""
    if quarter not in QUARTERS:
        raise ValueError(f"{quarter!r} is not a quarter; expected one of {', '.join(QUARTERS)}")
    return {"Q1": date(plan_year, 6, 30), "Q2": date(plan_year, 9, 30), "Q3": date(plan_year, 12, 31),
            "Q4": date(plan_year + 1, 3, 31)}[quarter]


def previous_quarter(quarter: str) -> str | None:
    """The quarter before `quarter` in the same plan year (None for Q1)."""
    i = QUARTERS.index(quarter)
    return QUARTERS[i - 1] if i else None


def return_date_problem(text: str, today: date | None = None) -> str | None:
    """Why `text` (YYYY-MM-DD) cannot be the date a return was updated, or None: it must be a real date, not after
    today."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return f"'{text}' is not a date; expected a date written YYYY-MM-DD"
    today = today or date.today()
    if day > today:
        return f"{text} is after today ({today.isoformat()}); expected the date the return was updated"
    return None
