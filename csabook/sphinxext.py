"""A small Sphinx extension for every edition: nothing in the published site may need the network.

Jupyter Book 1.x always loads sphinx-thebe, which declares the address of a remote Thebe bundle in every page
(twice, which raises a console error). The book has no live code, so its set-up is removed.
"""

from __future__ import annotations


def _drop_thebe(app) -> None:
    listeners = app.events.listeners.get("env-before-read-docs", [])
    app.events.listeners["env-before-read-docs"] = [
        listener for listener in listeners if getattr(listener.handler, "__qualname__", "") != "init_thebe_core"
    ]


def setup(app):
    app.connect("builder-inited", _drop_thebe)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
