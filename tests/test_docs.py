"""The README stays true: every CLI command has help text and is documented; environment.yml matches pyproject."""

import re
import tomllib

import pytest
import yaml

from csabook.cli import make_parser
from tests import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def subcommands(parser) -> dict:
    """The sub-commands of a parser (csabook's commands; the actions of `csabook returns`), or {}."""
    sub = next((a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"), None)
    return dict(sub.choices) if sub else {}


def commands():
    return subcommands(make_parser())


def every_command() -> dict:
    """Each command by its words after `csabook`: 'build', and 'returns import' for a command's own actions."""
    found = {}
    for name, parser in commands().items():
        found[name] = parser
        found.update({f"{name} {action}": child for action, child in subcommands(parser).items()})
    return found


@pytest.mark.parametrize("name", sorted(every_command()))
def test_every_command_has_help_and_is_documented(name):
    sub = every_command()[name]
    assert sub.description and sub.format_help().strip()
    assert f"### `csabook {name}" in README, f"README has no section for `csabook {name}`"
    for action in sub._actions:
        for flag in action.option_strings:
            if flag.startswith("--") and flag != "--help":
                assert action.help, f"{name} {flag} has no help"
                assert flag in README, f"README does not mention `{name} {flag}`"


def test_readme_shows_the_two_commands():
    assert "make book" in README and "make test" in README


def normalise(requirement: str) -> str:
    """A requirement compared across pip and conda names (conda-forge spells some with '_', pip with '-')."""
    return re.sub(r"\s+", "", requirement).lower().replace("_", "-")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = project["dependencies"] + [d for extra in project["optional-dependencies"].values() for d in extra]
    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    conda = [d for d in env["dependencies"] if isinstance(d, str) and not d.startswith(("python", "pip"))]
    conda += [d for d in next(d for d in env["dependencies"] if isinstance(d, dict))["pip"] if d != "-e ."]
    assert sorted(map(normalise, conda)) == sorted(map(normalise, wanted))


def runbooks() -> dict[str, str]:
    """Every runbook: each README section whose heading names one, and every guide under docs/."""
    found = {}
    for match in re.finditer(r"^## (Runbook[^\n]*)\n(.*?)(?=^## |\Z)", README, flags=re.M | re.S):
        found[match.group(1)] = match.group(2)
    docs = REPO / "docs"
    if docs.is_dir():
        for path in sorted(docs.rglob("*.md")):
            found[str(path.relative_to(REPO))] = path.read_text(encoding="utf-8")
    return found


def make_targets() -> set[str]:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][a-z0-9_-]*):", makefile, flags=re.M))


def named_commands(text: str) -> list[tuple[str, list[str]]]:
    """(command, its --options) for each `csabook ...` or `make ...` written in code in the text."""
    found = []
    for code in re.findall(r"`([^`\n]+)`", text):
        for match in re.finditer(r"(?:^|[\s/])(csabook|make)\s+([a-z][a-z-]*)([^;|&]*)", code):
            words, rest = match.group(2), match.group(3)
            nested = re.match(r"\s+([a-z][a-z-]*)", rest)
            if match.group(1) == "csabook" and nested and subcommands(commands().get(words, make_parser())):
                words, rest = f"{words} {nested.group(1)}", rest[nested.end():]
            found.append((f"{match.group(1)} {words}", re.findall(r"--[a-z][a-z-]*", rest)))
    return found


def test_there_are_runbooks_for_the_refresh_and_for_a_district():
    names = " ".join(runbooks()).lower()
    assert "annual county refresh" in names and "district" in names


@pytest.mark.parametrize("name", sorted(runbooks()))
def test_every_command_named_in_a_runbook_exists(name):
    text = runbooks()[name]
    named = named_commands(text)
    assert named, f"{name} names no command"
    known, targets = every_command(), make_targets()
    for command, options in named:
        tool, word = command.split(maxsplit=1)
        if tool == "make":
            assert word in targets, f"{name}: `make {word}` is not a Makefile target"
            continue
        assert word in known, f"{name}: `csabook {word}` is not a command"
        flags = {f for a in known[word]._actions for f in a.option_strings}
        for option in options:
            assert option in flags, f"{name}: `csabook {word}` has no option {option}"


@pytest.mark.parametrize("name", sorted(runbooks()))
def test_a_runbook_puts_csabook_on_the_path_before_it_types_it(name):
    """`make setup` installs csabook into .venv, which is not on the PATH until it is activated."""
    text = runbooks()[name]
    first = re.search(r"`csabook [a-z]", text)
    if first:
        activate = text.find("`source .venv/bin/activate`")
        assert 0 <= activate < first.start(), f"{name} types csabook before `source .venv/bin/activate`"


def test_the_runbook_check_catches_a_missing_command():
    assert named_commands("run `csabook frobnicate --year 2025` then `make all`") == [
        ("csabook frobnicate", ["--year"]), ("make all", [])]
    assert "frobnicate" not in commands() and "all" not in make_targets()
    assert named_commands("`csabook returns import a.xlsx --year 2024` and `csabook returns frob --quarter Q1`") == [
        ("csabook returns import", ["--year"]), ("csabook returns frob", ["--quarter"])]
    assert "returns frob" not in every_command()
