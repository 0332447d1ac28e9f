"""The agencies register (data/agencies.yml): the lead agencies of the action plans, and the spellings the
published text uses for each."""

from __future__ import annotations

from csabook.errors import Problem
from csabook.model import schema
from csabook.model.loader import EditionData, load_project_file
from csabook.model.readers import read_yaml
from csabook.paths import Project, get_project


def load_agencies(project: Project | None = None) -> schema.Agencies:
    """The validated register; a missing or malformed file is a DataError naming it."""
    return load_project_file(schema.AGENCIES, project or get_project(), "the agencies register is missing",
                             "a file listing each lead agency's slug, name and aliases (see data/README.md)")


def lead_problems(data: EditionData, agencies: schema.Agencies) -> list[Problem]:
    """Every lead of the edition's action plan that names no registered agency, on the line of its lead key."""
    if not data.has("action_plan"):
        return []
    plan = data.get("action_plan")
    unknown = [((("groups", g, "objectives", o, "rows", r, "lead")), objective.number, name)
               for g, group in enumerate(plan.groups) for o, objective in enumerate(group.objectives)
               for r, row in enumerate(objective.rows) for name in row.agencies if agencies.resolve(name) is None]
    if not unknown:
        return []
    shown = data.reads["action_plan"].path
    parsed = read_yaml(data.project.root / shown, shown)  # the lines, read again only when there is a problem
    return [Problem(shown, f"line {parsed.line_of(loc)} (objective {number})", f"lead agency '{name}' is not in "
                    "data/agencies.yml", "a registered agency's name or alias (add the agency, or the spelling "
                    "as an alias with a note saying why, to data/agencies.yml)")
            for loc, number, name in unknown]
