"""The package version, and the versions of the libraries that shape what a build outputs.

Apart from the package's public API, so that any module can read them.
"""

from __future__ import annotations

import functools
from importlib import metadata

__version__ = "0.1.0"

# The libraries whose version changes the executed notebooks (charts, tables), the pages (Sphinx, the theme, Jupyter
# Book, MyST-NB) or the files read and written (nbformat, pandas). The execution cache keys and the edition stamps
# cover their versions, so that upgrading one of them rebuilds what it may change.
OUTPUT_SHAPING = ("matplotlib", "pandas", "nbformat", "nbclient", "papermill", "ipykernel", "markdown-it-py", "nh3",
                  "sphinx", "sphinx-book-theme", "pydata-sphinx-theme", "jupyter-book", "myst-nb", "myst-parser",
                  "pypdf")


@functools.lru_cache(maxsize=1)
def environment() -> dict[str, str]:
    """{library: installed version} for OUTPUT_SHAPING, and the Python version."""
    import platform

    found = {"python": platform.python_version()}
    for name in OUTPUT_SHAPING:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "absent"
    return found
