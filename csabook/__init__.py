"""csabook: the Kent Community Safety Agreement as a reproducible, parameterised Jupyter Book."""

__version__ = "0.1.0"

from .data import open_edition  # noqa: E402

__all__ = ["__version__", "open_edition"]
