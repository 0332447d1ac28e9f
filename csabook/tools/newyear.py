"""`csabook new-year`: scaffold a new year's data and editions from the latest data, and say what to update.

Each county data file is taken from the latest year, up to the one started from, that holds it: the latest CSA
content and the latest action plan, even when they come from different years (the CSA of 2022 and the Action Plan
2024/25, say). District overlays come from the year started from. Every file carried over is listed in the new
layer's review.yml, so that each chapter is marked as a draft until it is reviewed; the document's date is moved
to the new year so that the scaffold validates and builds. Nothing existing is ever overwritten: the data folder
is assembled aside and renamed into place, and the command refuses a year that already has data or parameters.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from csabook.model import schema
from csabook.content.progress import completed, has_returns, progress
from csabook.model.loader import COUNTY, EditionData, available_years
from csabook.model.districts import district_slugs
from csabook.model.editions import write_params
from csabook.errors import CsabookError, DataError, SelectionError
from csabook.paths import YEAR_RULE, Project, parse_year
from csabook.validation.selection import validate_editions

# Year-specific county files and what the analyst updates in each ({year}, {prev}, {period}, {achieved} are filled).
YEAR_SPECIFIC = {
    "document.yml": "the version number and the date (the date was moved to {year})",
    "version_control.yml": "add the row of the new version (csabook diff {prev} {year} drafts its changes)",
    "foreword.yml": "the foreword for the new version",
    "achievements.yml": "the key achievements of {achieved} (Ch.5) and the period",
    "appendix_a.yml": "the period of the district strategic assessments (Appendix A)",
    "appendix_a.csv": "the strategic assessment outcomes: how many CSPs identified each issue (Appendix A)",
    "appendix_b.yml": "the period of the MoRiLE assessment (Appendix B)",
    "morile.csv": "the MoRiLE ranking, highest overall score first (Appendix B)",
    "appendix_c.yml": "the horizon scan, PESTELO (Appendix C)",
    "action_plan.yml": "the action plan for {period}",
}
# Carried-over county files worth checking after the annual review, and why.
TO_CHECK = {
    "priorities.yml": "Ch.6, after the annual review of priorities and themes; keep each id, renames included",
    "leads.csv": "Ch.7, if a lead or a priority changed",
    "appendix_e.yml": "Appendix E, which lists the Ch.6 priorities and themes",
    "landscape.yml": "Ch.3, the landscape, legislation and partnership changes",
    "legislation.yml": "Ch.2, if legislation changed",
    "governance.yml": "Ch.4, if the named responsible authorities changed",
    "responsible_authorities.yml": "Ch.9, if the named responsible authorities changed",
    "plans.csv": "Ch.8, the list of plans",
    "appendix_d.yml": "Appendix D, if the Police and Crime Plan changed",
    "contact.yml": "the contact details",
}
DISTRICT_UPDATE = "the district's own content for {year}"
CARRIED = "check that it still holds for {year}"
# The files a new year takes from earlier years: a CSA year's and the action plan (not the priorities history).
CARRIED_FILES = schema.CSA_YEAR_FILES + ("action_plan",)


@dataclass(frozen=True)
class Scaffold:
    """What new-year did: the files copied, those needing review, the parameters written."""

    year: int
    previous: int
    copied: tuple[str, ...] = ()
    review: tuple[tuple[str, str], ...] = ()  # (path, what to update)
    check: tuple[tuple[str, str], ...] = ()  # (path, why to check it)
    params: tuple[str, ...] = ()  # the county's and every registered district's
    sources: tuple[tuple[str, int], ...] = ()  # (county file name, the year it was carried from)
    achievements: tuple[tuple[str, int], ...] = ()  # (review.yml, completed actions listed in its draft)

    def text(self) -> str:
        """What `csabook new-year` prints: what was done, and the checklist of what is left."""
        return checklist(self)


def default_previous(year: int, project: Project) -> int:
    """The latest year before `year` that has county data."""
    earlier = [y for y in available_years(project) if y < year and _county(project, y).is_dir()]
    if not earlier:
        raise SelectionError(f"no year before {year} has county data to start from",
                             hint="Name one with --from YEAR, e.g. csabook new-year 2025 --from 2024.")
    return earlier[-1]


def _county(project: Project, year: int) -> Path:
    return project.data / str(year) / COUNTY


def check_new_year(year: int, previous: int, project: Project) -> None:
    """Refuse a year that already exists (data or parameters), and a previous year without county data."""
    if parse_year(year) is None:
        raise SelectionError(f"year {year!r} is not {YEAR_RULE}")
    if previous >= year:
        raise SelectionError(f"--from {previous} is not before {year}; expected an earlier year to start from")
    if not _county(project, previous).is_dir() or not any(_county(project, previous).iterdir()):
        years = [str(y) for y in available_years(project) if _county(project, y).is_dir()]
        raise SelectionError(f"{project.relative(_county(project, previous))} does not exist or is empty; "
                             f"expected a year with county data: {', '.join(years)}")
    for existing in (project.data / str(year), project.params / str(year)):
        if existing.exists():
            raise CsabookError(f"{project.relative(existing)} already exists; new-year never overwrites a year",
                               hint=f"Edit the files of {year} directly, or remove {project.relative(existing)} "
                                    "yourself to start again.")


def _fill(text: str, year: int, previous: int, source: int | None = None) -> str:
    """One of csabook's own review texts (never data text) with its years filled in."""
    return text.format(year=year, prev=previous, period=f"{year}/{(year + 1) % 100:02d}",
                       achieved=f"{year - 1}/{year % 100:02d}", source=source or previous)


def latest_sources(previous: int, project: Project) -> dict[str, int]:
    """For each county data file a new year carries, the latest year up to `previous` that holds it."""
    sources = {}
    for source in sorted((y for y in available_years(project) if y <= previous), reverse=True):
        for name in CARRIED_FILES:
            filename = schema.FILES[name].filename
            if filename not in sources and (_county(project, source) / filename).is_file():
                sources[filename] = source
    return sources


def move_document_date(path: Path, previous: int, year: int) -> None:
    """Put the new year in document.yml's date and effective keys (they must name the folder's year)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for i, line in enumerate(lines):
        if re.match(r"^(date|effective):", line):
            lines[i] = re.sub(rf"\b{previous}\b", str(year), line)
    path.write_text("".join(lines), encoding="utf-8")


def write_review(folder: Path, previous: int, entries: list[tuple[str, str, int]], year: int,
                 drafts: list[dict] = ()) -> Path:
    """The layer's review.yml: which copied files still need updating, what to update, and (where it is not
    `previous`) the year each was carried over from; then the actions completed the year before (`drafts`)."""
    header = (f"# Files carried over by `csabook new-year {year}` that still need updating.\n"
              "# Remove an entry once its file is updated, and this file once no entry is left.\n")
    if drafts:
        header += ("# achievements_draft: the actions the year before's returns reported Complete, with their "
                   "commentary,\n# to draw the Key Achievements (achievements.yml) from.\n")
    files = [{"file": f, "update": u, **({"from_year": y} if y != previous else {})} for f, u, y in entries]
    content = {"from_year": previous, "files": files, **({"achievements_draft": list(drafts)} if drafts else {})}
    body = yaml.safe_dump(content, sort_keys=False, allow_unicode=True, width=120)
    path = folder / "review.yml"
    path.write_text(header + body, encoding="utf-8")
    return path


def completed_actions(data: EditionData) -> list[dict]:
    """The actions the edition's latest quarterly returns report Complete, for the next year's review.yml."""
    if not has_returns(data):
        return []
    done = completed(progress(data))
    return [{"action": r["Action ID"], "text": r["Action"], "lead": r["Lead agency"],
             **({"commentary": r["Commentary"]} if r["Commentary"] else {})} for r in done.to_dict("records")]


def copy_layer(sources: dict[str, tuple[int, Path]], target: Path, year: int, previous: int,
               district: bool, drafts: list[dict] = ()) -> list[tuple[str, str]]:
    """Copy one layer's data files (`sources`: file name -> (the year it is carried from, the file to copy));
    return its review entries."""
    target.mkdir(parents=True)
    review = []
    for name, (source_year, path) in sorted(sources.items()):
        shutil.copy2(path, target / name)
        if name == "document.yml":
            move_document_date(target / name, source_year, year)
        if name in schema.LAYER_NOTES:
            continue
        if district:
            update = DISTRICT_UPDATE
        else:
            update = YEAR_SPECIFIC.get(name) or (TO_CHECK.get(name, "") + "; " if name in TO_CHECK else "") + CARRIED
            update += " (carried over from {source})"
        review.append((name, _fill(update, year, previous, source_year), source_year))
    if review or drafts:
        write_review(target, previous, review, year, drafts)
    return [(name, update) for name, update, _ in review]


def _layer_files(folder: Path) -> dict[str, Path]:
    """The data files of a district overlay folder that a new year carries."""
    never = {"review.yml", *(schema.FILES[n].filename for n in schema.NOT_CARRIED)}
    return {p.name: p for p in sorted(folder.iterdir()) if p.is_file() and p.name not in never
            and (p.name in schema.FILES_BY_FILENAME or p.name in schema.LAYER_NOTES)}


def scaffold_year(year: int, previous: int | None, project: Project) -> Scaffold:
    """Create data/<year>/ from the previous year's files, and params/<year>/; see the module docstring."""
    previous = default_previous(year, project) if previous is None else previous
    check_new_year(year, previous, project)
    sources = latest_sources(previous, project)
    problems = validate_editions(sorted({(y, COUNTY) for y in sources.values()}), project)
    if problems:
        raise DataError(problems)
    district_slugs(project)  # the register must be readable before anything is written
    copied, review, drafted = [], [], []
    source_year = project.data / str(previous)
    staging = Path(tempfile.mkdtemp(prefix=f".{year}-", dir=project.data))
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # mkdtemp's folder is private; the year's folder is not
    try:
        county = {name: (y, _county(project, y) / name) for name, y in sources.items()}
        plan_year = sources.get(schema.FILES["action_plan"].filename)
        county_drafts = completed_actions(EditionData(plan_year, COUNTY, project)) if plan_year else []
        layers = [(county, staging / COUNTY, False, county_drafts)]
        overlays = source_year / "districts"
        if overlays.is_dir():
            layers += [({name: (previous, path) for name, path in _layer_files(d).items()},
                        staging / "districts" / d.name, True, _district_drafts(previous, d.name, project))
                       for d in sorted(overlays.iterdir()) if d.is_dir()]
        for files, target, district, drafts in layers:
            drafted += [(f"{target.relative_to(staging)}/review.yml", len(drafts))] if drafts else []
            for name, update in copy_layer(files, target, year, previous, district, drafts):
                review.append((f"{target.relative_to(staging)}/{name}", update))
            copied += [f"{target.relative_to(staging)}/{p.name}" for p in sorted(target.iterdir())
                              if p.name != "review.yml"]
        if (project.data / str(year)).exists():  # created meanwhile: still never overwrite
            raise CsabookError(f"{project.relative(project.data / str(year))} appeared while scaffolding; "
                               "nothing was changed")
        staging.rename(project.data / str(year))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    prefix = f"{project.relative(project.data)}/{year}/"
    check = [(prefix + f"county/{name}", why) for name, why in TO_CHECK.items()
             if (project.data / str(year) / COUNTY / name).is_file()]
    written, _ = write_params(year, project)
    return Scaffold(year, previous, copied=tuple(prefix + p for p in copied),
                    review=tuple((prefix + p, u) for p, u in review), check=tuple(check),
                    params=tuple(project.relative(p) for p in written), sources=tuple(sorted(sources.items())),
                    achievements=tuple((prefix + p, n) for p, n in drafted))


def _district_drafts(previous: int, slug: str, project: Project) -> list[dict]:
    """The completed actions of a district's own plan (its returns are beside it), or []."""
    data = EditionData(previous, slug, project)
    return completed_actions(data) if data.has("action_plan") and data.origin("action_plan") != COUNTY else []


def checklist(result: Scaffold) -> str:
    """The steps left to the analyst, in order, with the commands to run."""
    year, prev = result.year, result.previous
    sources = dict(result.sources)
    by_year = {y: sorted(n for n, s in sources.items() if s == y) for y in sorted(set(sources.values()))}
    carried = ", ".join((", ".join(names) if len(names) <= 3 else f"{len(names)} files") + f" from {y}"
                        for y, names in by_year.items())
    lines = [f"Scaffolded {year} from the latest data up to {prev} ({carried}): {len(result.copied)} data file(s) "
             "copied, "
             f"{len(result.params)} edition(s) defined in params/{year}/ (the county and every registered district).",
             "",
             "Checklist:", "", "1. Update or confirm every carried-over file: each is listed in its folder's review.yml",
             "   and its chapter is marked as a draft until the entry is removed (remove review.yml once it is empty):"]
    lines += [f"   [ ] {path}: {update}" for path, update in result.review] or ["   (none)"]
    if result.achievements:
        lines += ["", "   The actions completed last year, with their commentary, are listed under achievements_draft",
                  "   to draw the Key Achievements (achievements.yml) from:"]
        lines += [f"   [ ] {path}: {count} completed action(s)" for path, count in result.achievements]
    lines += ["", "2. Check the carried-over files that change when the priorities or partners change:"]
    lines += [f"   [ ] {path}: {why}" for path, why in result.check] or ["   (none)"]
    lines += ["", "3. Check the data and see what changed:",
              f"   [ ] csabook validate --year {year}",
              f"   [ ] csabook diff {prev} {year}   (paste its draft rows into version_control.yml)",
              "", "4. Build and look at the new editions:",
              f"   [ ] csabook build --year {year}",
              "   [ ] make test"]
    return "\n".join(lines)
