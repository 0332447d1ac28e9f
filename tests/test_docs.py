"""The README stays true: every CLI command has help text and is documented; environment.yml matches pyproject."""

import re
import tomllib

import pytest
import yaml

from csabook.cli import make_parser
from csabook.paths import PACKAGE_ROOT

README = (PACKAGE_ROOT / "README.md").read_text(encoding="utf-8")


def commands():
    parser = make_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return sub.choices


@pytest.mark.parametrize("name", sorted(commands()))
def test_every_command_has_help_and_is_documented(name):
    sub = commands()[name]
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
    return re.sub(r"\s+", "", requirement).lower()


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((PACKAGE_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = project["dependencies"] + [d for extra in project["optional-dependencies"].values() for d in extra]
    env = yaml.safe_load((PACKAGE_ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = [d for d in env["dependencies"] if isinstance(d, str) and not d.startswith(("python", "pip"))]
    assert sorted(map(normalise, conda)) == sorted(map(normalise, wanted))

