"""Files carried over from an earlier year that still need updating: each layer's review.yml, its checks, its notes.

`csabook new-year` writes a review.yml beside the files it copied, listing the year-specific ones. The analyst
removes an entry once its file is updated, and the file once it is empty. Until then, every chapter that shows
such a file says so, and `csabook validate` lists what is left.
"""

from __future__ import annotations

from dataclasses import dataclass

from csabook.model import schema
from csabook.model.loader import COUNTY, EditionData
from csabook.errors import Problem


@dataclass(frozen=True)
class Pending:
    """One data file still to be reviewed: where it is, the year it was carried over from, and what to update."""

    path: str
    from_year: int
    update: str


def layer_review(data: EditionData, origin: str):
    """(the review list, its path) of one layer ('county' or 'local') of the edition, or None."""
    if origin == COUNTY and data.district != COUNTY:
        data = EditionData(data.year, COUNTY, data.project)
    if not data.has("review") or data.origin("review") != origin:
        return None
    return data.get("review"), data.locate("review")[1]


def pending_review(data: EditionData, *names: str) -> list[Pending]:
    """The files among `names` (data file names) that the edition shows and that still need review."""
    found = []
    for name in names:
        located = data.locate(name)
        if located is None:
            continue
        origin, path = located
        found_review = layer_review(data, origin)
        if found_review is None:
            continue
        review = found_review[0]
        for item in review.files:
            if item.file == path.name:
                found.append(Pending(data.project.relative(path), item.from_year or review.from_year, item.update))
    return found


def all_pending(data: EditionData) -> list[Pending]:
    """Every file of the edition that still needs review."""
    return pending_review(data, *[n for n, spec in schema.FILES.items() if spec.section is not None])


def review_problems(data: EditionData) -> list[Problem]:
    """Each layer's review.yml must name files of its own folder, from an earlier year."""
    problems = []
    for origin in ("local", COUNTY) if data.district != COUNTY else (COUNTY,):
        found_review = layer_review(data, origin)
        if found_review is None:
            continue
        review, path = found_review
        shown = data.project.relative(path)
        if review.from_year >= data.year:
            problems.append(Problem(shown, "from_year", f"{review.from_year} is not before {data.year}",
                                    "the earlier year the files were carried over from"))
        for i, item in enumerate(review.files):
            if item.from_year is not None and item.from_year >= data.year:
                problems.append(Problem(shown, f"files[{i}].from_year", f"{item.from_year} is not before {data.year}",
                                        "the earlier year the file was carried over from"))
            if item.file not in schema.FILES_BY_FILENAME or item.file == "review.yml":
                problems.append(Problem(shown, f"files[{i}].file", f"'{item.file}' is not a data file",
                                        "the name of a data file in the same folder"))
            elif not (path.parent / item.file).is_file():
                problems.append(Problem(shown, f"files[{i}].file", f"'{item.file}' is not in this folder",
                                        "a file of the same folder; remove the entry if the file was removed"))
    return problems
