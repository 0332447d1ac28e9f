"""What a build's kernel runs: called by name from csabook.pipeline.execute, never as code of its own.

A kernel is started once and runs many chapters. Before each one, `start_chapter` gives it a clean namespace,
matplotlib's defaults and an empty read log (csabook.model.reads); after it, `chapter_reads` reports the data files
the chapter looked for and read, for the execution cache.
"""

from __future__ import annotations

import sys

from csabook.model import reads
from csabook.pipeline import lifeline


def warm_up(parent: int, memory: int) -> None:
    """Once, when the kernel starts: end with the build, bound the memory, import what every chapter needs."""
    lifeline.exit_with_parent(parent)
    lifeline.limit_memory(memory)
    import matplotlib  # noqa: F401
    import pandas  # noqa: F401

    import csabook.html.views  # noqa: F401

    # IPython's reset, before each chapter, runs a full collection: with the modules left out of it, it no longer
    # walks all of pandas and matplotlib each time (about a tenth of a second).
    lifeline.settle_garbage()


def start_chapter() -> None:
    """Before each notebook: as if in a fresh kernel."""
    import matplotlib
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        shell.reset(new_session=False)
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    matplotlib.rcdefaults()
    reads.start_chapter()
    lifeline.settle_garbage()  # what the reset kept: modules a chapter imported


def chapter_reads() -> dict[str, str]:
    """After a notebook: the files it looked for and read, with their fingerprints."""
    return reads.chapter_reads()
