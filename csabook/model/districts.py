"""The district register (data/register.yml): Kent's district and borough CSPs, one edition each."""

from __future__ import annotations

import functools
from pathlib import Path

from csabook.model import schema
from csabook.model import reads
from csabook.model.loader import COUNTY, load_file
from csabook.errors import DataError, Problem
from csabook.paths import Project, get_project

COUNTY_NAME = "Kent county"


def register_path(project: Project):
    return project.data / schema.REGISTER.filename


def load_register(project: Project | None = None) -> schema.Register:
    """The validated register; a missing or malformed file is a DataError naming it."""
    project = project or get_project()
    path = register_path(project)
    shown = project.relative(path)
    if not path.is_file():
        reads.note(project, path, "absent")
        raise DataError([Problem(shown, "", "the district register is missing",
                                 "a file listing each district's slug, name and csp_name (see data/README.md)")])
    stat = path.stat()
    register, digest = _read_register(path, shown, stat.st_mtime_ns, stat.st_size)
    reads.note(project, path, "sha256:" + digest)
    return register


@functools.lru_cache(maxsize=8)
def _read_register(path: Path, shown: str, mtime_ns: int, size: int) -> tuple[schema.Register, str]:
    """The register is read by many pages and checks: parse it once while the file is unchanged."""
    return load_file(path, schema.REGISTER, shown)


def district_slugs(project: Project | None = None) -> list[str]:
    return [d.slug for d in load_register(project).districts]


def district_name(slug: str, project: Project | None = None) -> str:
    """How readers see a district: its register name ('Kent county' for the county)."""
    if slug == COUNTY:
        return COUNTY_NAME
    for d in load_register(project).districts:
        if d.slug == slug:
            return d.name
    return slug


def csp_name(slug: str, project: Project | None = None) -> str:
    """The partnership that supplies a district's local content ('Kent Community Safety Partnership' for the county)."""
    if slug == COUNTY:
        return "Kent Community Safety Partnership"
    for d in load_register(project).districts:
        if d.slug == slug:
            return d.csp_name
    return slug
