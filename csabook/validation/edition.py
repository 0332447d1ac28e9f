"""Validation of an edition's data: each file's own problems (from the loader), then the checks across its files,
its layers' files as files, its source documents and its review list. The checks across years are in
csabook.validation.selection (validate_editions, which `csabook validate` and `csabook build` run).

Kept apart from the loader (csabook.model.loader), which the modules these checks use (districts, returns, review) build
on: the loader imports none of them.
"""

from __future__ import annotations

from pathlib import Path

from csabook.model import schema
from csabook.model.loader import COUNTY, EditionData, load_project_file, reference_priorities
from csabook.model.agencies import lead_problems, load_agencies
from csabook.model.reads import listing
from csabook.model.districts import load_register
from csabook.errors import DataError, Problem
from csabook.model.markup import slug
from csabook.paths import Project
from csabook.content.progress import returns_problems
from csabook.content.returns import short_issue, unknown_issues
from csabook.model.review import review_problems


def layer_file_problems(project: Project, folder: Path, county: bool) -> list[Problem]:
    """Problems with the files of one layer folder as files: unknown names, district-only files in the county
    layer, anything but a regular file where a data file belongs, and (county) files its year's kind lacks."""
    problems = []
    entries = sorted(folder.iterdir()) if folder.is_dir() else []
    for path in entries:
        shown = project.relative(path.parent) + "/" + path.name
        spec = schema.FILES_BY_FILENAME.get(path.name)
        if spec is None:
            if path.name not in schema.LAYER_NOTES and not (path.is_dir() and not county):
                problems.append(Problem(shown, "", "unknown data file",
                                        "one of " + ", ".join(sorted(schema.FILES_BY_FILENAME))))
        elif not path.is_file():
            problems.append(Problem(shown, "", "this is a folder or a special file, not a data file",
                                    f"{path.name} to be a regular file"))
        elif spec.name in schema.DISTRICT_ONLY and county:
            problems.append(Problem(shown, "", "a district-only file in the county layer",
                                    f"{path.name} only in data/<year>/districts/<slug>/"))
        elif spec.name in schema.SAME_LAYER_AS and not (
                folder / schema.FILES[schema.SAME_LAYER_AS[spec.name]].filename).is_file():
            partner = schema.FILES[schema.SAME_LAYER_AS[spec.name]].filename
            problems.append(Problem(shown, "", f"{path.name} without {partner} in the same folder",
                                    f"{path.name} only beside the {partner} it reports on"))
    if county and folder.is_dir():
        names = {p.name for p in entries}
        for kind, marker, required in schema.YEAR_KINDS:
            if schema.FILES[marker].filename in names:
                for name in required:
                    if schema.FILES[name].filename not in names:
                        problems.append(Problem(project.relative(folder) + "/" + schema.FILES[name].filename, "",
                                                "the file is missing",
                                                f"every file of {kind} (the folder holds "
                                                f"{schema.FILES[marker].filename})"))
                break
        else:
            problems.append(Problem(project.relative(folder), "", "the folder holds none of "
                                    + ", ".join(schema.FILES[m].filename for _, m, _ in schema.YEAR_KINDS),
                                    "the files of a CSA year, an action-plan year or a year of the priorities "
                                    "history (see data/README.md)"))
    return problems


def _same_name(name: str) -> str:
    """A name as compared across files: the published tables write "&" where the chapters write "and"."""
    return " ".join(name.replace("&", " and ").lower().split())


def _cross_checks(data: EditionData) -> list[Problem]:
    problems: list[Problem] = []

    def shown(name):
        return data.reads[name].path if name in data.reads else schema.FILES[name].filename

    if data.has("priorities"):
        prios = data.get("priorities")
        ids = {p.id: p.name for p in prios.priorities}
        if data.has("leads_table"):
            for i, row in enumerate(data.get("leads_table")):
                if row.priority_id not in ids:
                    problems.append(Problem(shown("leads_table"), f"row {i + 1} (priority_id)",
                                            f"'{row.priority_id}' is not a priority of {data.year}",
                                            f"one of {', '.join(ids)} (from {shown('priorities')})"))
                elif _same_name(row.priority) != _same_name(ids[row.priority_id]):
                    problems.append(Problem(shown("leads_table"), f"row {i + 1} (priority)",
                                            f"'{row.priority}' is not the name of priority '{row.priority_id}'",
                                            f"'{ids[row.priority_id]}' (from {shown('priorities')})"))
        if data.has("appendix_e"):
            tables = {t.id: t.items for t in data.get("appendix_e").tables}
            for tid, names, what in (("csa-priorities", list(ids.values()), "priorities"),
                                     ("csa-themes", [t.name for t in prios.themes], "themes")):
                if tid in tables and [n.rstrip() for n in tables[tid]] != names:
                    problems.append(Problem(shown("appendix_e"), f"tables.{tid}",
                                            f"the list differs from the {what} in {shown('priorities')}",
                                            "the same names in the same order"))
    if data.has("appendix_e"):
        first: dict[str, str] = {}
        for table in data.get("appendix_e").tables:
            caption = table.heading.rstrip(":")  # the table's caption and download name in Appendix E
            if slug(caption) in first:
                problems.append(Problem(shown("appendix_e"), f"tables.{table.id}.heading",
                                        f"'{caption}' has the download name of '{first[slug(caption)]}'",
                                        "headings that differ in their letters or digits"))
            first.setdefault(slug(caption), caption)
    if data.has("action_plan"):
        known, where = reference_priorities(data)
        for i, group in enumerate(data.get("action_plan").groups):
            if group.priority_id is not None and group.priority_id not in known:
                problems.append(Problem(shown("action_plan"), f"groups[{i}].priority_id",
                                        f"'{group.priority_id}' is not a CSA priority",
                                        f"one of {', '.join(known)} (from {where})"))
    if data.has("strategic_assessment"):
        county = EditionData(data.year, COUNTY, data.project)
        if county.has("appendix_a_table"):
            issues = [r.issue for r in county.get("appendix_a_table")]
            for name in unknown_issues(list(data.get("strategic_assessment").identified), issues):
                problems.append(Problem(shown("strategic_assessment"), "identified",
                                        f"'{name}' is not an Appendix A issue of {data.year}",
                                        "one of: " + "; ".join(map(short_issue, issues))
                                        + f" (from {county.reads['appendix_a_table'].path})"))
    if data.has("quarterly_returns"):
        problems.extend(returns_problems(data.get("quarterly_returns"), data, shown("quarterly_returns")))
    if data.has("morile_table"):
        ranks = [r.rank for r in data.get("morile_table")]
        if sorted(ranks) != list(range(1, len(ranks) + 1)) or ranks != sorted(ranks):
            problems.append(Problem(shown("morile_table"), "column rank", f"ranks {ranks}",
                                    f"1 to {len(ranks)} in order, each once"))
    if data.has("document"):
        doc = data.get("document")
        if str(data.year) not in doc.date:
            problems.append(Problem(shown("document"), "date", f"'{doc.date}' does not name {data.year}",
                                    f"a date in {data.year}, the year of the folder"))
    return problems


def _overlay_folder_problems(data: EditionData) -> list[Problem]:
    """Every folder under data/<year>/districts/ must be a registered district's slug."""
    folder = data.project.data / str(data.year) / "districts"
    names = [n for n in listing(folder) if (folder / n).is_dir()]
    if not names:
        return []
    try:
        slugs = [d.slug for d in load_register(data.project).districts]
    except DataError as exc:
        return list(exc.problems)
    return [Problem(data.project.relative(folder / n), "", f"'{n}' is not a registered district",
                    "a folder named after a slug in data/register.yml: " + ", ".join(slugs))
            for n in names if n not in slugs]


def declared_documents(project: Project) -> tuple[set[str], list[Problem]]:
    """The ids of the source documents declared in data/documents.yml (and 'local'), with any problem reading it."""
    try:
        documents = load_project_file(schema.DOCUMENTS, project, "the file is missing",
                                      "the list of source documents (see data/README.md)")
    except DataError as exc:
        return set(), list(exc.problems)
    return {d.id for d in documents.documents} | {schema.LOCAL_DOCUMENT}, []


def _source_line(path: Path) -> str:
    """Where a YAML file's `source:` key stands ('line N (source.document)'), read again only to report it."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("source:"):
            return f"line {number} (source.document)"
    return "source.document"


def source_problems(data: "EditionData", declared: set[str]) -> list[Problem]:
    """Every file the edition read must name a declared source document (its `source`, or a table's column)."""
    problems = []
    for name, read in data.reads.items():
        content = data._loaded[name]
        if isinstance(content, tuple):  # a table: each row's source column
            named = [(f"row {i + 1} (source)", row.source) for i, row in enumerate(content)]
        else:
            named = [(None, content.source.document)] if hasattr(content, "source") else []
        for where, document in named:
            if document not in declared:
                # a YAML file is read again for the line of its source key only when there is a problem to report
                where = where or _source_line(data.project.root / read.path)
                problems.append(Problem(read.path, where, f"'{document}' is not a declared source document",
                                        "one of " + ", ".join(sorted(declared)) + " (see data/documents.yml)"))
    return problems


def book_link_problems(data: EditionData) -> list[Problem]:
    """A link in the data's text to a page of the book (a cross-reference such as "see version control (page 4)")
    must name a page this edition has: a link to a chapter it leaves out would be broken in its site and PDF.
    The files checked are those the edition's chapters need (a file no chapter shows publishes no link)."""
    from csabook.model.book import book_chapters, chapter_available, chapter_requires
    from csabook.model.markup import book_page, link_targets
    from csabook.model.textrules import strings

    templates = [data.project.notebooks / f"{c}.ipynb" for c in book_chapters(data.project)]
    chapters = [t for t in templates if t.is_file() and chapter_available(t, data)]
    pages = {t.stem for t in chapters}
    shown = list(dict.fromkeys(name for t in chapters for name in chapter_requires(t)))
    problems = []
    for name in shown:
        if not data.has(name) or name not in data.reads:
            continue
        content = data.get(name)
        rows = content if isinstance(content, list) else [content]
        plain = [r.model_dump() if hasattr(r, "model_dump") else r for r in rows]
        for path, text in strings(plain if isinstance(content, list) else plain[0]):
            if "](" not in text:
                continue
            for href in link_targets(text):
                page = book_page(href)
                if page and page not in pages:
                    problems.append(Problem(data.reads[name].path, ".".join(str(k) for k in path),
                                            f"the link to '{href}' names a page this edition does not have",
                                            "a page of the edition: " + ", ".join(f"{p}.html" for p in sorted(pages))))
    return problems


def validate_edition(year: int, district: str = COUNTY, project: Project | None = None) -> list[Problem]:
    """Every problem in an edition's data: each file's own, then the checks across its files.

    The checks across years are csabook.validation.selection.validate_editions'.
    """
    data = EditionData(year, district, project)
    problems: list[Problem] = []
    for origin, folder in data._layers:
        problems.extend(layer_file_problems(data.project, folder, county=origin == COUNTY))
    problems.extend(_overlay_folder_problems(data))
    failed = False
    for name in schema.FILES:
        if data.has(name):
            try:
                data.get(name)
            except DataError as exc:
                problems.extend(exc.problems)
                failed = True
    if not failed:
        declared, unreadable = declared_documents(data.project)
        problems.extend(unreadable or source_problems(data, declared))
        problems.extend(_cross_checks(data))
        problems.extend(book_link_problems(data))
        if data.has("action_plan"):
            try:
                problems.extend(lead_problems(data, load_agencies(data.project)))
            except DataError as exc:
                problems.extend(exc.problems)
        problems.extend(review_problems(data))
    return problems
