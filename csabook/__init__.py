"""csabook: the Kent Community Safety Agreement as a reproducible, parameterised Jupyter Book.

The library API (see csabook.api and the README):

    import csabook
    summary = csabook.build(year=2022, district="county")

Chapter notebooks call `csabook.open_edition(year, district)` for their edition's data. The API is loaded on first
use, so that a notebook's `import csabook` stays light.
"""

from csabook.model.loader import open_edition
from csabook.version import __version__

API = ("build", "preview", "validate", "check", "diff", "new_year", "return_templates", "import_return_workbooks", "returns_status",
       "editions", "write_params", "project_at",
       "Summary", "Checked", "Problem", "Scaffold", "Templates", "Imported", "ReturnStatus", "Preview", "YearDiff", "Edition")

__all__ = ["__version__", "open_edition", *API]


def __getattr__(name: str):
    if name in API:
        from csabook import api

        return getattr(api, name)
    raise AttributeError(f"module 'csabook' has no attribute {name!r}")
