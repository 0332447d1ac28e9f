"""Rules every text value of every data file follows, checked before a file's own model.

They bound the work a build does with data text and keep it to what the pipeline can publish safely:
- a length limit, so that no paragraph makes Markdown parsing or a chart grow without bound;
- no control characters but tab and newline, whether typed raw or written as a YAML escape ("\\x1b");
- links only to the targets csabook.model.markup allows;
- no "REPLACE:" placeholder left from data/district-template/.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable, Iterator

from csabook.errors import Problem
from csabook.model.markup import LINK_RULE, allowed_link, link_targets

MAX_TEXT = 10_000  # characters in one text value: the longest paragraph of the 2022 CSA has under 2,500
PLACEHOLDER = re.compile(r"\s*REPLACE\b")  # "REPLACE: ..." and "REPLACE (optional): ..." in the templates
_ALLOWED_CONTROLS = {"\t", "\n"}


def strings(node, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """(key path, text) of every string in parsed content: mapping keys and values, list items, CSV cells."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str):
                yield path + (key,), key
            yield from strings(value, path + (key,))
    elif isinstance(node, (list, tuple)):
        for i, item in enumerate(node):
            yield from strings(item, path + (i,))


def text_problem(text: str) -> tuple[str, str] | None:
    """(what is wrong, what was expected) for one text value, or None when it follows every rule."""
    if len(text) > MAX_TEXT:
        return f"the text is {len(text):,} characters long", f"at most {MAX_TEXT:,} characters"
    for char in text:
        if unicodedata.category(char) == "Cc" and char not in _ALLOWED_CONTROLS:
            return (f"the text holds the control character U+{ord(char):04X}",
                    "text without control characters (tab and newline are allowed)")
    if PLACEHOLDER.match(text):
        return ("a 'REPLACE:' placeholder from the district template is still here",
                "the district's own text, or the key removed")
    if "]" in text:  # every Markdown link has one; most text has none, and needs no parse
        for href in link_targets(text):
            if not allowed_link(href):
                return f"the link target '{href}' is not allowed", LINK_RULE
    return None


def text_problems(content, shown: str, where: Callable[[tuple], str]) -> list[Problem]:
    """Every text value of a file's parsed `content` that breaks a rule; `where` names the place of a key path."""
    problems = []
    for path, text in strings(content):
        found = text_problem(text)
        if found:
            problems.append(Problem(shown, where(path), *found))
    return problems
