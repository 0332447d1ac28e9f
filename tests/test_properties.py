"""What `validate` accepts, the pipeline publishes: property tests over mutations of the real data.

Each example takes one real data file, makes one change to it (a value of another type, a string from any Unicode
category, a very long string, a key or row deleted or duplicated, the file deleted) and asserts one of two things:
- validation reports a problem that names the mutated file; or
- every chapter of the edition that reads the file renders (the notebook code runs on the mutated data).
A few examples go further and build the edition, to show that the site is then published intact.

The examples are drawn from a fixed seed (derandomize) and bounded in number; failures found while writing the
checks are kept as @example regressions.
"""

from __future__ import annotations

import contextlib
import csv
import io
import resource
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from csabook.model.book import toc_files
from csabook.errors import CsabookError, DataError
from csabook.model.book import chapter_available
from csabook.model.editions import Edition
from csabook.pipeline.execute import WarmKernel, execute_chapter
from csabook.model.loader import EditionData
from tests import REPO
from csabook.model.editions import pdf_name

from .conftest import copy_project, run_csabook
from csabook.validation.selection import validate_selection

pytestmark = pytest.mark.built  # runs builds or kernels of its own

ROOT = REPO
# The files mutated, with the edition that reads them: the county CSA, the action plan, and a district's register.
TARGETS = {
    **{f"data/2022/county/{p.name}": (2022, "county") for p in sorted((ROOT / "data/2022/county").iterdir())},
    **{f"data/2024/county/{p.name}": (2024, "county") for p in sorted((ROOT / "data/2024/county").iterdir())},
    "data/register.yml": (2022, "dover"),
}
PROPERTY = settings(max_examples=60, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@dataclass(frozen=True)
class Mutation:
    """One change to one data file: `kind` at key path `path` (a row and column for CSV), with `value`."""

    file: str
    path: tuple
    kind: str  # replace | delete | duplicate | delete-file
    value: object = None

    def apply(self, root: Path) -> None:
        target = root / self.file
        if self.kind == "delete-file":
            target.unlink()
            return
        text = target.read_text(encoding="utf-8")
        if self.file.endswith(".csv"):
            rows = list(csv.reader(io.StringIO(text, newline="")))
            _change(rows, (self.path[0] + 1,) + self.path[1:], self.kind, self.value)  # row 0 is the header
            out = io.StringIO(newline="")
            csv.writer(out, lineterminator="\n").writerows(rows)
            target.write_text(out.getvalue(), encoding="utf-8")
        else:
            content = yaml.safe_load(text)
            _change(content, self.path, self.kind, self.value)
            target.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False, width=10**9),
                              encoding="utf-8")


def _change(node, path: tuple, kind: str, value) -> None:
    for key in path[:-1]:
        node = node[key]
    last = path[-1]
    if kind == "replace":
        node[last] = value
    elif kind == "delete":
        del node[last]
    elif kind == "duplicate":
        if isinstance(node, list):
            node.insert(last, node[last])
        else:
            node[f"{last}_copy"] = node[last]


def _paths(node, prefix=()) -> list[tuple]:
    """Every key path in a parsed YAML document (mappings and lists), containers included."""
    found = []
    if isinstance(node, dict):
        items = node.items()
    elif isinstance(node, list):
        items = enumerate(node)
    else:
        return found
    for key, child in items:
        found.append(prefix + (key,))
        found.extend(_paths(child, prefix + (key,)))
    return found


def _structure(file: str) -> tuple[list[tuple], list[tuple], bool]:
    """(the paths that can be changed, the paths of strings among them, whether the file is a CSV table)."""
    text = (ROOT / file).read_text(encoding="utf-8")
    if file.endswith(".csv"):
        rows = list(csv.reader(io.StringIO(text, newline="")))
        cells = [(r, c) for r in range(len(rows) - 1) for c in range(len(rows[0]))]
        return [(r,) for r in range(len(rows) - 1)] + cells, cells, True
    content = yaml.safe_load(text)
    paths = _paths(content)
    return paths, [p for p in paths if isinstance(_at(content, p), str)], False


def _at(node, path: tuple):
    for key in path:
        node = node[key]
    return node


STRUCTURES = {file: _structure(file) for file in TARGETS}

texts = st.one_of(
    st.text(max_size=40),  # every Unicode category but surrogates, control characters included
    st.text(st.characters(codec="ascii"), max_size=40),
    st.builds(lambda unit, n: unit * n, st.sampled_from(["_a", "*", "a", "[", "$", "<", "表", " "]),
              st.integers(min_value=1_000, max_value=60_000)),  # very long text
    st.sampled_from(["", " ", "REPLACE: a value", "March 0000", "$x$ and $y$", "<b>x</b>", "{% if 1 %}x{% endif %}",
                     "[t](../../x)", "1:20", "010", "0x1F", "no"]),
)
yaml_values = st.one_of(texts, st.integers(min_value=-10**12, max_value=10**12), st.floats(allow_nan=True),
                        st.booleans(), st.none(), st.lists(texts, max_size=3),
                        st.dictionaries(st.text(max_size=8), texts, max_size=2))


@st.composite
def mutations(draw) -> Mutation:
    file = draw(st.sampled_from(sorted(TARGETS)))
    paths, strings, is_table = STRUCTURES[file]
    kind = draw(st.sampled_from(["text", "text", "text", "replace", "delete", "duplicate", "delete-file"]))
    if kind == "delete-file":
        return Mutation(file, (), kind)
    if kind == "text":  # a string for a string: the change most likely to pass validation and reach a page
        return Mutation(file, draw(st.sampled_from(strings)), "replace", draw(texts))
    if is_table:
        path = draw(st.sampled_from(paths))
        if len(path) == 1:  # a whole row: delete or duplicate it
            return Mutation(file, path, "delete" if kind == "replace" else kind)
        return Mutation(file, path, "replace", draw(texts)) if kind == "replace" else Mutation(file, path[:1], kind)
    path = draw(st.sampled_from(paths))
    return Mutation(file, path, kind, draw(yaml_values) if kind == "replace" else None)


@contextlib.contextmanager
def memory_guard():
    """A regression that makes validating grow without bound fails with MemoryError instead of exhausting the
    machine: this process's address space is capped inside the block (not for processes started before it, such as
    the kernel that renders, which caps its own)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = 6 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """A writable copy of the project; each example mutates one file and puts it back."""
    return copy_project(tmp_path_factory.mktemp("properties"))


@pytest.fixture(scope="module")
def renderer(workspace, tmp_path_factory):
    """Runs an edition's chapters through the build's executor, in one warm kernel kept for every example.

    The first run of an edition records what each chapter reads (its read log). After a mutation, only the chapters
    whose log names the mutated file can render differently, so only they run again. The kernel caps its own
    memory (CSABOOK_KERNEL_MEMORY), as in a build."""
    kernel = WarmKernel(workspace)
    out = tmp_path_factory.mktemp("rendered")
    logs: dict[tuple[int, str], dict[Path, dict]] = {}

    def render(year: int, district: str, changed: str | None) -> None:
        data = EditionData(year, district, workspace)
        edition, known = Edition(year, district), logs.setdefault((year, district), {})
        for template in sorted(workspace.notebooks.glob("*.ipynb")):
            if template.stem == "explore" or not chapter_available(template, data):
                continue
            if template in known and (changed is None or changed not in known[template]):
                continue  # already run, and the change cannot reach it
            found = execute_chapter(template, edition, out / template.name, workspace, kernel)
            known.setdefault(template, found)

    yield render
    kernel.stop()


def validation_problems(project, year: int, district: str) -> list[str]:
    """What `csabook validate --year Y --district D` reports, one line each."""
    try:
        return [str(p) for p in validate_selection(year, district, project).problems]
    except DataError as exc:
        return [str(p) for p in exc.problems]
    except CsabookError as exc:
        return [str(exc)]


def check(project, mutation: Mutation, render) -> None:
    """Validation names the mutated file, or the edition renders."""
    original = (project.root / mutation.file).read_bytes()
    render(*TARGETS[mutation.file], None)  # unmutated: records what each chapter reads (once per edition)
    try:
        mutation.apply(project.root)
        year, district = TARGETS[mutation.file]
        with memory_guard():
            problems = validation_problems(project, year, district)
        event("rejected by validation" if problems else "accepted and rendered")
        if problems:
            folder, name = mutation.file.rsplit("/", 1)
            # a file deleted may leave its folder holding no file of its kind: the folder is named, with the file
            assert any(mutation.file in p or (mutation.kind == "delete-file" and p.startswith(f"{folder}:") and name in p)
                       for p in problems), (
                f"{mutation}: validation reported problems, none naming {mutation.file}:\n"
                + "\n".join(problems))
            return
        try:
            render(year, district, mutation.file)
        except Exception as exc:  # any failure at all is the finding; the message says which
            pytest.fail(f"{mutation}: validate accepted it, then rendering failed: {type(exc).__name__}: {exc}")
    finally:
        (project.root / mutation.file).write_bytes(original)


@PROPERTY
@given(mutation=mutations())
@example(mutation=Mutation("data/2024/county/action_plan.yml", ("groups", 0, "objectives", 0, "rows", 0, "timescale"),
                           "replace", "March 0000"))
@example(mutation=Mutation("data/2022/county/appendix_a.csv", (0, 0), "replace", "$$ and $a^$"))
@example(mutation=Mutation("data/2022/county/leads.yml", ("columns", 0), "delete"))
@example(mutation=Mutation("data/register.yml", ("source", "document"), "replace", ""))
@example(mutation=Mutation("data/2022/county/leads.csv", (0, 1), "replace", "Road Safty"))
@example(mutation=Mutation("data/2022/county/appendix_a.csv", (0,), "duplicate"))
@example(mutation=Mutation("data/2022/county/foreword.yml", (), "delete-file"))
@example(mutation=Mutation("data/2022/county/foreword.yml", ("paragraphs", 0), "replace", "_a" * 200_000))
def test_validate_names_the_file_or_the_edition_renders(workspace, renderer, mutation):
    check(workspace, mutation, renderer)


# The build tier: a few changes to the action plan that validation accepts, each built and published for real.
PLAN = "data/2024/county/action_plan.yml"


@st.composite
def plan_text_changes(draw) -> Mutation:
    _, strings, _ = STRUCTURES[PLAN]
    return Mutation(PLAN, draw(st.sampled_from(strings)), "replace", draw(st.text(max_size=40)))


@pytest.fixture(scope="module")
def build_workspace(tmp_path_factory):
    return copy_project(tmp_path_factory.mktemp("property-builds"))


@settings(PROPERTY, max_examples=4)
@given(mutation=plan_text_changes())
@example(mutation=Mutation(PLAN, ("title",), "replace", "表"))
def test_what_validate_accepts_is_published(build_workspace, mutation):
    project = build_workspace
    original = (project.root / mutation.file).read_bytes()
    try:
        mutation.apply(project.root)
        problems = validation_problems(project, 2024, "county")
        event("rejected by validation" if problems else "accepted and built")
        if problems:
            assert any(mutation.file in p for p in problems), "\n".join(problems)
            return
        result = run_csabook("--project", project.root, "build", "--year", "2024", "--district", "county")
        assert result.returncode == 0, f"{mutation}: validate accepted it, then the build failed:\n{result.stderr}"
        edition = project.site / "2024" / "county"
        toc = yaml.safe_load((project.book / "2024" / "county" / "_toc.yml").read_text(encoding="utf-8"))
        missing = [page for page in toc_files(toc) if not (edition / f"{page}.html").is_file()]
        assert not missing, f"{mutation}: the published edition lacks {missing}"
        assert (edition / pdf_name(2024, "county")).is_file()
    finally:
        (project.root / mutation.file).write_bytes(original)
