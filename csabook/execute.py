"""Execute an edition's chapter templates with papermill."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import nbformat
import papermill
from papermill.exceptions import PapermillExecutionError

from .data import EditionData
from .editions import Edition
from .errors import CsabookError, ExecutionError
from .paths import Project


def chapter_requires(template: Path) -> list[str]:
    """The data files a chapter template needs (its metadata.csabook.requires)."""
    meta = nbformat.read(template, as_version=4).metadata
    return list(meta.get("csabook", {}).get("requires", []))


def chapter_available(template: Path, data: EditionData) -> bool:
    """True when every data file the chapter needs exists for the edition."""
    return all(data.has(name) for name in chapter_requires(template))


def check_parameters(template: Path, parameters: dict) -> None:
    """Fail on parameters the template does not declare (papermill itself only warns)."""
    declared = set(papermill.inspect_notebook(str(template)))
    if not declared:
        raise CsabookError(f"{template.name}: no cell is tagged 'parameters'",
                           hint="Tag the cell that sets year and district with 'parameters'.")
    unknown = set(parameters) - declared
    if unknown:
        raise CsabookError(f"{template.name}: unknown parameter(s) {', '.join(sorted(unknown))}; "
                           f"the template declares {', '.join(sorted(declared))}")


@contextmanager
def project_environment(project: Project):
    """Kernels started inside this block load data from `project`."""
    before = os.environ.get("CSABOOK_ROOT")
    os.environ["CSABOOK_ROOT"] = str(project.root)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("CSABOOK_ROOT", None)
        else:
            os.environ["CSABOOK_ROOT"] = before


def execute_chapter(template: Path, edition: Edition, output: Path, project: Project) -> Path:
    """Run one template for one edition into `output`; a failing cell raises ExecutionError."""
    parameters = edition.parameters()
    check_parameters(template, parameters)
    output.parent.mkdir(parents=True, exist_ok=True)
    try:
        with project_environment(project):
            papermill.execute_notebook(str(template), str(output), parameters=parameters, kernel_name="python3",
                                       progress_bar=False, log_output=False, cwd=str(project.root))
    except PapermillExecutionError as exc:
        raise ExecutionError(edition.key, template.stem, exc.exec_count, f"{exc.ename}: {exc.evalue}",
                             project.relative(output)) from None
    return output
