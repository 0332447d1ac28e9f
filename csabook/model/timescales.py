"""Read an action's published timescale ("March 2025", "Dec ‘24", "Ongoing") into a due date."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9

# A month starts a word and is matched possessively, so a long run of letters is scanned once (linear time).
_MONTH_YEAR = re.compile(r"(?<![A-Za-z])(?P<month>[A-Za-z]++)\.?\s*(?:(?P<year4>\d{4})|['‘’`](?P<year2>\d{2}))")
YEARS = range(2000, 2100)  # the years a due date may fall in


@dataclass(frozen=True)
class Timescale:
    """The published wording, and what it means: a due date, ongoing, or not a date."""

    text: str
    kind: str  # "date", "ongoing" or "unparsed"
    due: date | None = None

    @property
    def iso(self) -> str:
        """The due date as YYYY-MM-DD, or "" when there is none (ongoing, or not a date)."""
        return self.due.isoformat() if self.kind == "date" and self.due else ""

    @property
    def label(self) -> str:
        if self.kind == "date":
            return self.due.strftime("%b %Y")
        return "Ongoing" if self.kind == "ongoing" else "Other"


def parse_timescale(text: str) -> Timescale:
    """Parse a timescale. Several dates ("Dec ‘24 Mar ‘25") give the latest; a due date is the month's last day.

    Raises ValueError for a month with a year outside YEARS ("March 0000"): validation reports it.
    """
    cleaned = (text or "").strip()
    if cleaned.lower() == "ongoing":
        return Timescale(text, "ongoing")
    dates = []
    for m in _MONTH_YEAR.finditer(cleaned):
        month = MONTHS.get(m.group("month").lower())
        if month is None:
            continue
        year = int(m.group("year4")) if m.group("year4") else 2000 + int(m.group("year2"))
        if year not in YEARS:
            raise ValueError(f"'{m.group(0)}' names the year {year}; expected a year from {YEARS.start} to "
                             f"{YEARS.stop - 1}")
        dates.append(date(year, month, calendar.monthrange(year, month)[1]))
    if dates:
        return Timescale(text, "date", max(dates))
    return Timescale(text, "unparsed")
