"""Every process a build starts dies with the build, however the build ends (killed, even by SIGKILL,
interrupted or failed), and a kernel's memory is bounded.

Two means, for two kinds of child:
- `die_with_parent` is a `preexec_fn` for a program csabook starts itself (Chromium): the kernel sends the child
  SIGKILL when the thread that started it goes, which a SIGKILL of the build does at once;
- `exit_with_parent` is run inside a Python child (a kernel, a Jupyter Book worker): a daemon thread ends the
  process as soon as it is orphaned, that is when its parent process has gone.
"""

from __future__ import annotations

import ctypes
import os
import signal
import threading
import time

_PR_SET_PDEATHSIG = 1
_started = False


def die_with_parent() -> None:
    """In a child, before it runs its program: be killed when the parent dies (Linux; a no-op elsewhere)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def exit_with_parent(parent: int, interval: float = 0.5) -> None:
    """In a Python child of process `parent`: end this process once `parent` is no longer its parent (once per
    process). The parent's pid is passed, not read here: a child orphaned while it started would take its new
    parent for the build."""
    global _started
    if _started:
        return
    _started = True
    if os.getppid() != parent:
        os._exit(70)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(70)

    threading.Thread(target=watch, name="csabook-lifeline", daemon=True).start()


def worker_start(parent: int) -> None:
    """The start of a worker process (Jupyter Book's): it ends with its parent, and leaves Ctrl-C to it (the key
    reaches the whole process group; the parent decides how its workers end, and says so once)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with_parent(parent)


def settle_garbage(full: bool = False) -> None:
    """In a long-lived child (a kernel, a Jupyter Book worker), between pieces of work: collect the garbage, then
    leave what is alive out of later collections (gc.freeze), so that they no longer walk all of pandas, or all of
    Sphinx, each time. What is left out and dropped later is freed only by a `full` settle, which first takes
    everything back into the collections."""
    import gc

    if full:
        gc.unfreeze()
    gc.collect()
    gc.freeze()


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space, so that runaway work fails with MemoryError instead of exhausting the
    machine (and being killed by the system, which names nothing)."""
    import resource

    limit = megabytes * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
