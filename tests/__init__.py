"""The test suite. REPO is this checkout: the project the tests build, and the source they read."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
