"""One model per data file, and the checks that span files."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Literal, Optional

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from csabook.model.markup import PLAIN_RULE, plain_text_problem
from csabook.model.quarters import NEEDS_COMMENTARY, QUARTERS, STATUSES, return_date_problem

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ACTION_ID = r"^[0-9]+\.[0-9]+-[0-9]+$"  # an action-plan row's id: "<objective>-<n>"
ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
# A source document's id: declared in data/documents.yml (checked across files), not fixed here, so that a new
# year's CSA can name its own document. "local" marks content a district supplies for its own edition.
DocumentId = Annotated[str, Field(pattern=SLUG, max_length=80)]
LOCAL_DOCUMENT = "local"


def _plain(value: str) -> str:
    problem = plain_text_problem(value)
    if problem:
        raise ValueError(f"{problem}; expected {PLAIN_RULE}")
    return value


# Text that reaches Sphinx's configuration and the theme's templates (a district's name is in its edition's title).
PlainText = Annotated[str, Field(min_length=1, max_length=120), AfterValidator(_plain)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Source(Model):
    document: DocumentId
    pages: list[int] = Field(default_factory=list)

    @field_validator("pages")
    @classmethod
    def _positive(cls, pages):
        if any(p < 1 for p in pages):
            raise ValueError("page numbers start at 1")
        return pages


class Link(Model):
    text: str = Field(min_length=1)
    url: str = Field(pattern=r"^(https?://|mailto:)\S+$")


class Section(Model):
    number: str = Field(pattern=r"^\d+\.\d+$")
    title: Optional[str] = None
    paragraphs: list[str] = Field(default_factory=list)
    items: list[str] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)


def _check_numbered(number, children: list[str], child: str, parent: str) -> None:
    """Children numbered '<parent number>.<n>' (sections of a chapter, objectives of a group), each once."""
    _check_unique(children, f"{child} number")
    for c in children:
        if not c.startswith(f"{number}."):
            raise ValueError(f"{child} {c} does not belong to {parent} {number}")


def _check_unique(values, what):
    seen = set()
    for v in values:
        if v in seen:
            raise ValueError(f"duplicate {what} '{v}'")
        seen.add(v)


class Chapter(Model):
    source: Source
    number: int
    title: str = Field(min_length=1)
    intro: list[str] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)

    @model_validator(mode="after")
    def _numbers(self):
        _check_numbered(self.number, [s.number for s in self.sections], "section", "chapter")
        return self


class Document(Model):
    # title, version and date name the edition (its <title>, the sidebar, the home page's h1): plain text
    source: Source
    title: PlainText
    version: PlainText
    date: PlainText
    effective: Optional[str] = None


class Version(Model):
    version: str = Field(pattern=r"^\d+\.\d+$")
    date: str
    summary: str
    changes: list[str] = Field(default_factory=list)


class VersionControl(Model):
    source: Source
    title: str
    columns: list[str] = Field(min_length=3, max_length=3)
    versions: list[Version] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self):
        _check_unique([v.version for v in self.versions], "version")
        return self


class Signatory(Model):
    name: str = Field(min_length=1)
    roles: list[str] = Field(default_factory=list)


class Foreword(Model):
    source: Source
    title: str
    paragraphs: list[str] = Field(min_length=1)
    signatory: Signatory


class SectionGroup(Model):
    title: str
    sections: list[Section] = Field(min_length=1)


class Landscape(Model):
    source: Source
    number: int
    title: str
    intro: list[str] = Field(default_factory=list)
    groups: list[SectionGroup] = Field(min_length=1)


class Body(Model):
    id: str = Field(pattern=SLUG)
    name: str
    role: str


class Relation(Model):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    source_id: str = Field(alias="from")
    target_id: str = Field(alias="to")
    label: str


class Governance(Chapter):
    responsible_authorities: str
    bodies: list[Body] = Field(min_length=1)
    relations: list[Relation] = Field(default_factory=list)

    @model_validator(mode="after")
    def _relations(self):
        ids = [b.id for b in self.bodies]
        _check_unique(ids, "body id")
        for r in self.relations:
            for end in (r.source_id, r.target_id):
                if end not in ids:
                    raise ValueError(f"relation names body '{end}', which is not one of {', '.join(ids)}")
        return self


class Achievement(Model):
    title: str = Field(min_length=1)
    paragraphs: list[str] = Field(min_length=1)


class Achievements(Model):
    source: Source
    number: int
    title: str
    period: str
    intro: list[str] = Field(default_factory=list)
    achievements: list[Achievement] = Field(min_length=1)
    closing: list[str] = Field(default_factory=list)


class Named(Model):
    id: str = Field(pattern=SLUG)
    name: str = Field(min_length=1)


class Include(Model):
    ref: str = Field(pattern=SLUG)
    label: str
    text: str


class Priorities(Chapter):
    priorities: list[Named] = Field(min_length=1)
    themes: list[Named] = Field(default_factory=list)
    includes: list[Include] = Field(default_factory=list)
    diagram_key: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ids(self):
        ids = [p.id for p in self.priorities] + [t.id for t in self.themes]
        _check_unique(ids, "priority or theme id")
        for inc in self.includes:
            if inc.ref not in ids:
                raise ValueError(f"includes names '{inc.ref}', which is not a priority or theme id")
        return self


# A layer folder may hold notes for the people who edit it: never data, never validated or shown.
LAYER_NOTES = frozenset({"README.md"})


class PriorityList(Model):
    """A year's CSA priorities and cross-cutting themes alone, for a year whose chapter 6 is not held."""

    source: Source
    period: str = Field(pattern=r"^\d{4}/\d{2}$")
    derived_from: list[str] = Field(min_length=1)
    note: Optional[str] = None
    first_version: bool = False  # the year of the CSA's first version, as the text says
    priorities: list[Named] = Field(min_length=1)
    themes: list[Named] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ids(self):
        _check_unique([p.id for p in self.priorities] + [t.id for t in self.themes], "priority or theme id")
        return self


class ReviewItem(Model):
    file: str = Field(pattern=r"^[a-z0-9_]+\.(yml|csv)$")
    update: str = Field(min_length=1)
    from_year: Optional[int] = Field(default=None, ge=1000, le=9999)  # where it differs from the layer's


class DraftAchievement(Model):
    """An action the year before completed, with its commentary: a draft for the Key Achievements (Ch.5)."""

    action: str = Field(pattern=ACTION_ID, max_length=20)
    text: str
    lead: str
    commentary: str = ""


class Review(Model):
    """The files of a layer that were carried over from an earlier year and still need updating, and (written by
    new-year from the year before's quarterly returns) the completed actions to draw the Key Achievements from."""

    from_year: int = Field(ge=1000, le=9999)
    files: list[ReviewItem] = Field(default_factory=list)
    achievements_draft: list[DraftAchievement] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self):
        _check_unique([f.file for f in self.files], "file")
        return self


class NumberedText(Model):
    """A numbered chapter made of an introduction and one list or table."""

    source: Source
    number: int
    title: str
    intro: list[str] = Field(default_factory=list)


class TableText(NumberedText):
    """The narrative around a table kept in a CSV file of the same chapter."""

    columns: list[str] = Field(min_length=1)


class Authorities(NumberedText):
    authorities: list[str] = Field(min_length=1)


class Appendix(Model):
    source: Source
    letter: str = Field(pattern=r"^[A-Z]$")
    title: str
    period: Optional[str] = None
    heading: Optional[str] = None
    intro: list[str] = Field(default_factory=list)
    closing: list[str] = Field(default_factory=list)
    columns: list[str] = Field(default_factory=list)


class PestGroup(Model):
    label: Optional[Literal["recent", "upcoming"]] = None
    intro: Optional[str] = None
    items: list[str] = Field(min_length=1)


PESTELO = ("Political", "Economic", "Social", "Technological", "Environmental", "Legislation", "Organisational")


class PestCategory(Model):
    name: str
    groups: list[PestGroup] = Field(min_length=1)


class HorizonScan(Appendix):
    categories: list[PestCategory] = Field(min_length=7, max_length=7)

    @model_validator(mode="after")
    def _pestelo(self):
        for want, cat in zip(PESTELO, self.categories):
            if not cat.name.startswith(want):
                raise ValueError(f"category '{cat.name}' is out of PESTELO order; expected '{want}…'")
        return self


class HeadedList(Model):
    id: str = Field(pattern=SLUG)
    heading: str
    items: list[str] = Field(min_length=1)


class PoliceCrimePlan(Appendix):
    lists: list[HeadedList] = Field(min_length=1)


class PriorityTables(Appendix):
    tables: list[HeadedList] = Field(min_length=1)


class Contact(Model):
    source: Source
    title: str
    paragraphs: list[str] = Field(default_factory=list)
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[a-z]+$")
    telephone: str
    note: Optional[str] = None


class ActionRow(Model):
    # The row's id: "<objective>-<n>" when first written, never changed afterwards (returns refer to it), so a row
    # that moves keeps it. Unique within its plan.
    id: str = Field(pattern=ACTION_ID, max_length=20)
    actions: list[str] = Field(default_factory=list)
    measures: list[str] = Field(default_factory=list)
    timescale: str = Field(min_length=1, max_length=200)
    lead: str = Field(min_length=1)

    @field_validator("timescale")
    @classmethod
    def _due_date(cls, timescale):
        from csabook.model.timescales import parse_timescale

        parse_timescale(timescale)  # the build's own parse: a date it cannot make is refused here
        return timescale

    @property
    def due(self):
        from csabook.model.timescales import parse_timescale

        return parse_timescale(self.timescale)

    @property
    def agencies(self) -> list[str]:
        """The lead agencies of a shared lead cell ("A / B")."""
        return [a.strip() for a in self.lead.split(" / ") if a.strip()]


class Objective(Model):
    number: str = Field(pattern=r"^\d+\.\d+$")
    linked_partnership: bool
    crg_funded: Optional[bool] = None
    theme: Optional[str] = None
    outcome: str = Field(min_length=1)
    page: Optional[int] = Field(default=None, ge=1)
    rows: list[ActionRow] = Field(min_length=1)


class PlanGroup(Model):
    number: int = Field(ge=1)
    priority_id: Optional[str] = Field(default=None, pattern=SLUG)
    priority: str = Field(min_length=1)
    aim: Optional[str] = None
    page: Optional[int] = Field(default=None, ge=1)
    objectives: list[Objective] = Field(min_length=1)

    @model_validator(mode="after")
    def _numbers(self):
        _check_numbered(self.number, [o.number for o in self.objectives], "objective", "group")
        return self


class KeyEntry(Model):
    colour: str
    text: str


class ActionPlan(Model):
    # title, status and version name an edition of the plan alone (its <title>, the sidebar, its h1): plain text
    source: Source
    title: PlainText
    status: Optional[PlainText] = None
    version: Optional[PlainText] = None
    columns: list[str] = Field(min_length=6, max_length=6)
    column_questions: dict[str, str] = Field(default_factory=dict)
    key: list[KeyEntry] = Field(default_factory=list)
    groups: list[PlanGroup] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self):
        _check_unique([g.number for g in self.groups], "group number")
        _check_unique([r.id for g in self.groups for o in g.objectives for r in o.rows], "action id")
        return self

    @property
    def objectives(self) -> list[Objective]:
        return [o for g in self.groups for o in g.objectives]



class ActionReturn(Model):
    """One action's return for a quarter: its status and commentary, from the workbook(s) of its lead agencies."""

    action: str = Field(pattern=ACTION_ID, max_length=20)
    status: Literal[STATUSES]
    commentary: str = Field(default="", max_length=4000)
    updated_by: Optional[str] = Field(default=None, max_length=1000)
    date_updated: Optional[str] = Field(default=None, pattern=ISO_DATE)
    agencies: list[str] = Field(min_length=1)  # the slugs of the agencies whose workbook returned it

    @field_validator("date_updated")
    @classmethod
    def _readable_date(cls, value):
        problem = value and return_date_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @model_validator(mode="after")
    def _commentary(self):
        if self.status in NEEDS_COMMENTARY and not self.commentary:
            raise ValueError(f"status '{self.status}' has no commentary; expected a commentary saying why")
        return self


class QuarterReturns(Model):
    quarter: Literal[QUARTERS]
    report_date: str = Field(pattern=ISO_DATE)  # the quarter's last day (checked against the plan's year)
    returns: list[ActionReturn] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self):
        _check_unique([r.action for r in self.returns], "action")
        return self


class QuarterlyReturns(Model):
    """The lead agencies' quarterly returns on the action plan of the same layer (written by `csabook returns
    import`)."""

    title: str = "Quarterly returns"
    quarters: list[QuarterReturns] = Field(min_length=1)

    @model_validator(mode="after")
    def _order(self):
        names = [q.quarter for q in self.quarters]
        _check_unique(names, "quarter")
        if names != sorted(names):
            raise ValueError(f"quarters {names} are out of order; expected Q1 to Q4 in order")
        return self

    def quarter(self, name: str) -> "QuarterReturns | None":
        return next((q for q in self.quarters if q.quarter == name), None)


# CSV rows ---------------------------------------------------------------------------------------------


class Row(Model):
    source: DocumentId
    page: Optional[int] = Field(default=None, ge=1)

    @field_validator("page", mode="before")
    @classmethod
    def _blank_page(cls, v):
        return None if v == "" else v


class LeadRow(Row):
    priority_id: str = Field(pattern=SLUG)
    priority: str = Field(min_length=1)
    lead: str = Field(min_length=1)


class PlanRow(Row):
    plan: str = Field(min_length=1)


class AssessmentRow(Row):
    issue: str = Field(min_length=1)
    csps: int = Field(ge=0, le=12)


class AssessmentReturn(Model):
    """A district CSP's strategic-assessment outcome: the Appendix A issues it identified (district overlays)."""

    source: Source
    title: str = "Strategic assessment outcome"
    period: Optional[str] = None
    identified: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self):
        _check_unique(self.identified, "identified issue")
        return self


class LocalPriority(Model):
    name: str = Field(min_length=1)
    lead: str = Field(min_length=1)
    description: Optional[str] = None


class LocalPriorities(Model):
    """A district CSP's own community safety plan priorities and their leads (district overlays)."""

    source: Source
    title: str = "Local priorities"
    intro: list[str] = Field(default_factory=list)
    priorities: list[LocalPriority] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self):
        _check_unique([p.name for p in self.priorities], "local priority name")
        return self


class SourceDocument(Model):
    id: str = Field(pattern=SLUG, max_length=80)
    title: str = Field(min_length=1)
    date: Optional[str] = None
    description: Optional[str] = None


class Documents(Model):
    """data/documents.yml: the published documents that data files are transcribed from."""

    documents: list[SourceDocument] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self):
        _check_unique([d.id for d in self.documents], "document id")
        if LOCAL_DOCUMENT in [d.id for d in self.documents]:
            raise ValueError(f"'{LOCAL_DOCUMENT}' is declared as a document; expected it to be kept for content a "
                             "district supplies")
        return self


class District(Model):
    slug: str = Field(pattern=SLUG, max_length=40)
    name: PlainText
    csp_name: PlainText
    fictional: bool = False  # an example (examples/): built and tested, never counted among Kent's CSPs


class Register(Model):
    """data/register.yml: the district and borough CSPs, one edition each."""

    source: Source
    districts: list[District] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self):
        _check_unique([d.slug for d in self.districts], "district slug")
        _check_unique([d.name for d in self.districts], "district name")
        if "county" in [d.slug for d in self.districts]:
            raise ValueError("'county' is used as a district slug; expected it to be kept for the county edition")
        return self

    @property
    def partnerships(self) -> list[District]:
        """The real district CSPs: every district but fictional examples."""
        return [d for d in self.districts if not d.fictional]


class Agency(Model):
    slug: str = Field(pattern=SLUG, max_length=40)
    name: PlainText
    aliases: list[PlainText] = Field(default_factory=list)  # other spellings the published text uses
    note: Optional[str] = None  # why the aliases are this agency


class Agencies(Model):
    """data/agencies.yml: the lead agencies of the action plans, with the spellings the text uses for each."""

    source: Source
    agencies: list[Agency] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self):
        _check_unique([a.slug for a in self.agencies], "agency slug")
        _check_unique([n for a in self.agencies for n in (a.name, *a.aliases)], "agency name or alias")
        return self

    def resolve(self, text: str) -> "Agency | None":
        """The agency a lead names (its name or one of its aliases), or None."""
        wanted = " ".join(text.split())
        return next((a for a in self.agencies if wanted in (a.name, *a.aliases)), None)

    def named(self, leads: list[str]) -> "list[Agency]":
        """The registered agencies that a row's leads name ("A / B" is two leads), in order, each once."""
        found = [self.resolve(lead) for lead in leads]
        return list({a.slug: a for a in found if a is not None}.values())


class MorileRow(Row):
    rank: int = Field(ge=1)
    issue: str = Field(min_length=1)


# The registry ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileSpec:
    """One data file: its name in a layer, and the model of its content (or of each row, for CSV)."""

    name: str
    filename: str
    model: type[Model]
    section: str | None  # where readers see it (front page's local/county-wide list); None: not content
    key: tuple[str, ...] = ()  # a table's columns that identify a row: no two rows share them
    headings: int = 0  # the number of `columns:` headings its chapter shows (0: not a table's narrative)

    @property
    def is_table(self) -> bool:
        return self.filename.endswith(".csv")

    @property
    def columns(self) -> list[str]:
        return [f.alias or n for n, f in self.model.model_fields.items() if n not in ("source", "page")] + [
            "source", "page"]


FILES: dict[str, FileSpec] = {
    spec.name: spec
    for spec in (
        FileSpec("document", "document.yml", Document, "Front page"),
        FileSpec("version_control", "version_control.yml", VersionControl, "Version control"),
        FileSpec("foreword", "foreword.yml", Foreword, "Foreword"),
        FileSpec("introduction", "introduction.yml", Chapter, "1. Introduction"),
        FileSpec("legislation", "legislation.yml", Chapter, "2. Legislation"),
        FileSpec("landscape", "landscape.yml", Landscape, "3. Key changes to the landscape"),
        FileSpec("governance", "governance.yml", Governance, "4. Governance"),
        FileSpec("achievements", "achievements.yml", Achievements, "5. Key achievements"),
        FileSpec("priorities", "priorities.yml", Priorities, "6. County priorities"),
        FileSpec("priority_list", "priority_list.yml", PriorityList, "6. County priorities (a year's list alone)"),
        FileSpec("leads", "leads.yml", TableText, "7. Leads", headings=2),
        FileSpec("leads_table", "leads.csv", LeadRow, "7. Leads", key=("priority_id", "lead")),
        FileSpec("local_priorities", "local_priorities.yml", LocalPriorities, "Local priorities and leads"),
        FileSpec("plans", "plans.yml", TableText, "8. Plans", headings=1),
        FileSpec("plans_table", "plans.csv", PlanRow, "8. Plans", key=("plan",)),
        FileSpec("responsible_authorities", "responsible_authorities.yml", Authorities, "9. Responsible authorities"),
        FileSpec("appendix_a", "appendix_a.yml", Appendix, "Appendix A: Strategic assessments", headings=2),
        FileSpec("appendix_a_table", "appendix_a.csv", AssessmentRow, "Appendix A: Strategic assessments",
                 key=("issue",)),
        FileSpec("strategic_assessment", "strategic_assessment.yml", AssessmentReturn,
                 "Appendix A: this district's strategic assessment"),
        FileSpec("appendix_b", "appendix_b.yml", Appendix, "Appendix B: MoRiLE", headings=2),
        FileSpec("morile_table", "morile.csv", MorileRow, "Appendix B: MoRiLE", key=("issue",)),
        FileSpec("appendix_c", "appendix_c.yml", HorizonScan, "Appendix C: PESTELO horizon scan"),
        FileSpec("appendix_d", "appendix_d.yml", PoliceCrimePlan, "Appendix D: Police and Crime Plan"),
        FileSpec("appendix_e", "appendix_e.yml", PriorityTables, "Appendix E: Priorities and themes"),
        FileSpec("contact", "contact.yml", Contact, "Contact"),
        FileSpec("action_plan", "action_plan.yml", ActionPlan, "Action plan"),
        FileSpec("quarterly_returns", "quarterly_returns.yml", QuarterlyReturns, "Progress (quarterly returns)"),
        FileSpec("review", "review.yml", Review, None),  # shown only as the draft notes of the files it lists
    )
}
FILES_BY_FILENAME = {spec.filename: spec for spec in FILES.values()}
# Files only a district overlay supplies: the county layer has no such file.
DISTRICT_ONLY = frozenset({"strategic_assessment", "local_priorities"})
# Files read only from the layer that supplies another file: the returns report on the action plan beside them, so
# a district with its own plan never shows the county's returns.
SAME_LAYER_AS = {"quarterly_returns": "action_plan"}
# Files of one year that a new year never carries over.
NOT_CARRIED = frozenset({"quarterly_returns"})

# What a year's county layer is, told by the file that marks it, and the files each kind must hold: a full CSA year
# (marked by document.yml) holds every chapter and appendix; an action-plan year holds its plan; a year of the
# priorities history holds its list. A chapter is left out of an edition only when its kind has no such file.
CSA_YEAR_FILES = ("document", "version_control", "foreword", "introduction", "legislation", "landscape", "governance",
                  "achievements", "priorities", "leads", "leads_table", "plans", "plans_table",
                  "responsible_authorities", "appendix_a", "appendix_a_table", "appendix_b", "morile_table",
                  "appendix_c", "appendix_d", "appendix_e", "contact")
YEAR_KINDS = (("a CSA year", "document", CSA_YEAR_FILES),
              ("an action-plan year", "action_plan", ("action_plan",)),
              ("a year of the priorities history", "priority_list", ("priority_list",)))
REGISTER = FileSpec("register", "register.yml", Register, "District register")
DOCUMENTS = FileSpec("documents", "documents.yml", Documents, None)
AGENCIES = FileSpec("agencies", "agencies.yml", Agencies, None)
PROJECT_FILES = {spec.name: spec for spec in (REGISTER, DOCUMENTS, AGENCIES)}  # data/<file>, for every year


def describe_error(error: dict) -> tuple[tuple, str, str]:
    """(key path, what is wrong, what was expected) for one pydantic error."""
    loc = tuple(error.get("loc", ()))
    kind = error.get("type", "")
    msg = error.get("msg", "invalid value")
    if kind == "missing":
        return loc, f"missing key '{loc[-1]}'" if loc else "missing key", "the key to be present"
    if kind == "extra_forbidden":
        return loc, f"unknown key '{loc[-1]}'", "only the keys documented in data/README.md"
    if kind.endswith("_type") or kind.endswith("_parsing"):
        got = error.get("input")
        return loc, f"value {got!r} has the wrong type", msg.replace("Input should be", "").strip() or "another type"
    if kind == "literal_error":
        return loc, f"value {error.get('input')!r} is not allowed", msg.replace("Input should be", "one of").strip()
    if kind == "string_pattern_mismatch":
        return loc, f"value {error.get('input')!r} has the wrong form", msg.replace("String should match", "").strip()
    if kind in ("string_too_long", "string_too_short"):
        limit = error.get("ctx", {}).get("max_length" if kind == "string_too_long" else "min_length")
        size = len(error.get("input") or "")
        return loc, f"the text is {size} characters long", f"{'at most' if kind == 'string_too_long' else 'at least'} " \
                                                           f"{limit} characters"
    if kind.startswith("too_short") or kind.startswith("too_long"):
        return loc, msg.lower(), "the documented number of entries"
    if kind == "value_error":
        text = re.sub(r"^Value error, ", "", msg)
        what, _, expected = text.partition("; expected ")
        return loc, what, expected
    return loc, msg, ""
