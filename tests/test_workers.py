"""The Jupyter Book worker's own housekeeping, which makes its later builds cheap: sphinx-external-toc's set-up
finds Sphinx's toctree collector without walking every object of the process, and the garbage a build leaves is
collected after it, with what stays alive left out of later collections until a full one."""

from __future__ import annotations

import gc
import weakref

from csabook.pipeline import assemble


def test_the_builtin_toctree_collector_is_disabled_as_sphinx_external_toc_would(tmp_path):
    from sphinx.application import Sphinx
    from sphinx.environment.collectors.toctree import TocTreeCollector
    import sphinx_external_toc.collectors

    assemble._import_jupyter_book()
    assert sphinx_external_toc.collectors.disable_builtin_toctree_collector is \
        assemble._disable_builtin_toctree_collector
    (tmp_path / "conf.py").write_text('extensions = ["sphinx_external_toc"]\n', encoding="utf-8")
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: index\n", encoding="utf-8")
    (tmp_path / "index.rst").write_text("Home\n====\n", encoding="utf-8")
    for _ in range(2):  # a worker's second application as well as its first
        app = Sphinx(str(tmp_path), str(tmp_path), str(tmp_path / "out"), str(tmp_path / "doctrees"), "html",
                     status=None, warning=None, freshenv=True)
        kinds = [type(getattr(listener.handler, "__self__", None)) for listeners in app.events.listeners.values()
                 for listener in listeners]
        assert TocTreeCollector not in kinds  # Sphinx's own collector: disconnected
        assert sphinx_external_toc.collectors.TocTreeCollectorWithStyles in kinds  # the one that replaces it


class Cycle:
    def __init__(self):
        self.me = self


def test_a_settled_worker_frees_later_garbage_at_its_next_full_collection():
    gc.collect()
    try:
        kept = Cycle()
        assemble._settle()
        assert gc.get_freeze_count() > 0
        alive = weakref.ref(kept)
        del kept  # garbage now, but left out of collections by the settle
        gc.collect()
        assert alive() is not None
        assemble._settle(full=True)
        assert alive() is None
        assert gc.get_freeze_count() > 0  # what is alive now is left out again
    finally:
        gc.unfreeze()
