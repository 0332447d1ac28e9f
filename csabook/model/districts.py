"""The district register (data/register.yml): Kent's district and borough CSPs, one edition each."""

from __future__ import annotations

from csabook.model import schema
from csabook.model.loader import COUNTY, load_project_file
from csabook.paths import Project, get_project

COUNTY_NAME = "Kent county"


def register_path(project: Project):
    return project.data / schema.REGISTER.filename


def load_register(project: Project | None = None) -> schema.Register:
    """The validated register; a missing or malformed file is a DataError naming it."""
    return load_project_file(schema.REGISTER, project or get_project(), "the district register is missing",
                             "a file listing each district's slug, name and csp_name (see data/README.md)")


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
