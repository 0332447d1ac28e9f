"""Execute chapter templates with papermill, in warm kernels that each serve many notebooks.

Starting a kernel and importing pandas, matplotlib and csabook costs seconds; running a chapter costs a fraction
of that. A WarmKernel is started once and reused: before each notebook its namespace, matplotlib state and the
record of data files read are reset, so every notebook runs as if in a fresh kernel. After each notebook the
kernel reports which data files it looked for and read (csabook.model.reads), for the execution cache.
"""

from __future__ import annotations

import ast
import functools
import logging
import os
import shutil
import signal
import tempfile
import time
from pathlib import Path

import nbformat

from csabook.model.editions import Edition
from csabook.errors import CsabookError, ExecutionError
from csabook.paths import Project

KERNEL = "python3"
ERROR_TAG = "papermill-error-cell-tag"  # the banner cells papermill adds to a failed notebook
ENGINE = "csabook-warm"
START_ATTEMPTS = 3
START_TIMEOUT = 60

# The module whose functions the kernel runs (csabook.pipeline.inkernel), bound to this name in the kernel.
IN_KERNEL = "_csabook_in_kernel"


# Limits of every kernel, from the environment: a cell that runs longer, or a kernel that needs more memory,
# fails naming the edition, the chapter, the cell and the data files it had read. The real chapters need a few
# seconds and a few hundred MB.
def _setting(name: str, default: int) -> int:
    value = os.environ.get(name, str(default)).strip()
    if not (value.isascii() and value.isdigit() and int(value) > 0):
        raise CsabookError(f"{name}={value!r} is not a positive whole number", hint=f"Unset it to use {default}.")
    return int(value)


def cell_timeout() -> int:
    """Seconds a cell may run: CSABOOK_CELL_TIMEOUT, read when a chapter runs (default 600)."""
    return _setting("CSABOOK_CELL_TIMEOUT", 600)


def kernel_memory() -> int:
    """MB of address space a kernel may use: CSABOOK_KERNEL_MEMORY, read when a kernel starts (default 4096)."""
    return _setting("CSABOOK_KERNEL_MEMORY", 4096)


def check_parameters(template: Path, parameters: dict) -> None:
    """Fail on parameters the template does not declare (papermill itself only warns)."""
    import papermill

    declared = set(papermill.inspect_notebook(str(template)))
    if not declared:
        raise CsabookError(f"{template.name}: no cell is tagged 'parameters'",
                           hint="Tag the cell that sets year and district with 'parameters'.")
    unknown = set(parameters) - declared
    if unknown:
        raise CsabookError(f"{template.name}: unknown parameter(s) {', '.join(sorted(unknown))}; "
                           f"the template declares {', '.join(sorted(declared))}")


@functools.lru_cache(maxsize=1)
def warm_engine() -> str:
    """Register, once, papermill's nbclient engine run against an already started kernel and client.

    papermill is imported here, not at module level, so that a build served from the cache never loads it.
    """
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    class WarmEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=START_TIMEOUT, execution_timeout=None,
                                     warm_kernel=None, **kwargs):
            client = PapermillNotebookClient(nb_man, km=warm_kernel.km, kernel_name=kernel_name,
                                             log=logging.getLogger("papermill"), log_output=log_output,
                                             stdout_file=stdout_file, stderr_file=stderr_file,
                                             startup_timeout=start_timeout, timeout=execution_timeout)
            client.kc = warm_kernel.kc
            return client.execute()

    papermill_engines.register(ENGINE, WarmEngine)
    return ENGINE


SOCKETS_PREFIX = "csabook-kernel-"  # + the build's pid: folders of IPC sockets, short paths in the temp folder


def clean_stale_sockets() -> None:
    """Remove the socket folders of builds that are no longer running (a killed build cannot remove its own)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{SOCKETS_PREFIX}*"):
        pid = folder.name[len(SOCKETS_PREFIX):].split("-")[0]
        if pid.isascii() and pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(folder, ignore_errors=True)


class WarmKernel:
    """One Python kernel, started with the project's environment and kept for many notebooks."""

    def __init__(self, project: Project):
        self.project = project
        self.km = None
        self.kc = None
        self.sockets = None
        self.started = 0
        self.closed = False  # set by close(): the kernel is never started again

    def start(self) -> None:
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        env = {**os.environ, "CSABOOK_ROOT": str(self.project.root), "PYTHONHASHSEED": "0"}
        last = None
        for attempt in range(START_ATTEMPTS):
            if self.closed:
                raise CsabookError("the build was interrupted")
            # IPC (Unix sockets in a private folder) rather than TCP: no ports to collide when kernels start in
            # parallel, and nothing listening on the network.
            self.sockets = tempfile.mkdtemp(prefix=f"{SOCKETS_PREFIX}{os.getpid()}-")
            km = AsyncKernelManager(kernel_name=KERNEL, transport="ipc", ip=os.path.join(self.sockets, "k"))
            self.km = km  # from now on close() can end it, even while it starts
            try:
                run_sync(km.start_kernel)(cwd=str(self.project.root), env=env)
                kc = km.client()
                kc.start_channels()
                run_sync(kc.wait_for_ready)(timeout=START_TIMEOUT)
            except Exception as exc:  # ZMQ "address already in use", a start time-out: try a new kernel
                last = exc
                self.km = None
                try:
                    run_sync(km.shutdown_kernel)(now=True)
                except Exception:
                    pass
                shutil.rmtree(self.sockets, ignore_errors=True)
                time.sleep(0.5 * (attempt + 1))
                continue
            self.km, self.kc = km, kc
            self.started += 1
            if self.closed:  # closed while it started
                self.stop()
                raise CsabookError("the build was interrupted")
            self.call("warm_up", os.getpid(), kernel_memory())
            return
        raise CsabookError(f"could not start a Python kernel after {START_ATTEMPTS} attempts: {last}",
                           hint="Check that ipykernel is installed in this environment (make setup).")

    def run(self, code: str, expressions: dict | None = None) -> dict:
        """Execute `code` silently in the kernel; returns the evaluated user expressions."""
        from jupyter_core.utils import run_sync

        reply = run_sync(self.kc.execute_interactive)(code, silent=True, store_history=False,
                                                      user_expressions=expressions or {}, timeout=START_TIMEOUT,
                                                      output_hook=lambda msg: None)
        content = reply["content"]
        if content.get("status") != "ok":
            raise CsabookError(f"the kernel failed to run csabook's set-up code: {content.get('ename')}: "
                               f"{content.get('evalue')}")
        return content.get("user_expressions", {})

    def call(self, function: str, *args):
        """Run `function(*args)` of csabook.pipeline.inkernel in the kernel; returns its result (a Python literal:
        None, a dict of strings...)."""
        call = f"{function}({', '.join(repr(a) for a in args)})"
        result = self.run(f"import csabook.pipeline.inkernel as {IN_KERNEL}",
                          {"result": f"{IN_KERNEL}.{call}"})["result"]
        if result.get("status") != "ok":
            raise CsabookError(f"the kernel failed to run csabook's {function}: {result.get('ename')}: "
                               f"{result.get('evalue')}")
        return ast.literal_eval(result["data"]["text/plain"])

    def alive(self) -> bool:
        from jupyter_core.utils import run_sync

        return self.km is not None and run_sync(self.km.is_alive)()

    def ensure(self) -> None:
        if not self.alive():
            self.stop()
            self.start()

    def close(self) -> None:
        """Stop the kernel for good: one still starting is ended too, and none is started again."""
        self.closed = True
        self.stop()

    def stop(self) -> None:
        from jupyter_core.utils import run_sync

        if self.kc is not None:
            self.kc.stop_channels()
        if self.km is not None:
            process = getattr(getattr(self.km, "provisioner", None), "process", None)
            try:
                run_sync(self.km.shutdown_kernel)(now=True)
            except Exception:
                pass
            if process is not None and process.returncode is None:
                # shut down from another thread than the one that started it, the kernel may still run: end it
                try:
                    os.kill(process.pid, signal.SIGKILL)
                except OSError:
                    pass
        self.km = self.kc = None
        if self.sockets:
            shutil.rmtree(self.sockets, ignore_errors=True)
            self.sockets = None


def normalise(nb: nbformat.NotebookNode, template: Path, project: Project) -> nbformat.NotebookNode:
    """Drop what differs from run to run (timings, paths, kernel counters) so outputs are byte-stable."""
    count = 0
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"  # papermill gives it a random id
        if cell.cell_type == "code":
            count += 1 if cell.execution_count is not None else 0
            cell.execution_count = count if cell.execution_count is not None else None
            for out in cell.get("outputs", []):
                if "execution_count" in out:
                    out["execution_count"] = cell.execution_count
    meta = nb.metadata.get("papermill", {})
    nb.metadata["papermill"] = {"input_path": project.relative(template), "parameters": meta.get("parameters", {}),
                                "version": meta.get("version")}
    return nb


def execute_chapter(template: Path, edition: Edition, output: Path, project: Project,
                    kernel: WarmKernel) -> dict[str, str]:
    """Run one template for one edition into `output`, in `kernel`; returns the data files it depended on.

    A failing cell raises ExecutionError; the executed notebook, with the error, is kept at `output`.
    """
    import papermill
    from nbclient.exceptions import CellTimeoutError
    from papermill.exceptions import PapermillExecutionError

    parameters = edition.parameters()
    check_parameters(template, parameters)
    timeout = cell_timeout()
    output.parent.mkdir(parents=True, exist_ok=True)
    kernel.ensure()
    kernel.call("start_chapter")
    try:
        nb = papermill.execute_notebook(str(template), str(output), parameters=parameters, kernel_name=KERNEL,
                                        engine_name=warm_engine(), warm_kernel=kernel, progress_bar=False,
                                        log_output=False, execution_timeout=timeout)
    except (PapermillExecutionError, CellTimeoutError) as exc:
        timed_out = isinstance(exc, CellTimeoutError)
        read = [] if timed_out else files_read(kernel)
        if timed_out:
            kernel.stop()  # still busy in the cell: the next chapter gets a new kernel
        raw = nbformat.read(str(output), as_version=4)
        code = [c for c in raw.cells if c.cell_type == "code" and ERROR_TAG not in c.metadata.get("tags", [])]
        started = [n for n, c in enumerate(code, 1) if c.execution_count is not None]
        nbformat.write(normalise(raw, template, project), str(output))
        if timed_out:
            cell = started[-1] if started else None  # the last cell to start is the one that did not finish
            error = f"no result within {timeout} s (CSABOOK_CELL_TIMEOUT)"
        else:
            cell = next((n for n, c in enumerate(code, 1) if any(o.output_type == "error" for o in c.outputs)), None)
            error = f"{exc.ename}: {exc.evalue}"
            if exc.ename == "MemoryError":
                error += f" (the kernel's limit is {kernel_memory()} MB: CSABOOK_KERNEL_MEMORY)"
        raise ExecutionError(edition.key, template.stem, cell, error, project.relative(output), read) from None
    nbformat.write(normalise(nb, template, project), str(output))
    return kernel.call("chapter_reads")


def files_read(kernel: WarmKernel) -> list[str]:
    """The data files the kernel's chapter had read when it failed (not those it only looked for); none if the
    kernel cannot say."""
    try:
        return [path for path, mark in kernel.call("chapter_reads").items() if mark.startswith("sha256:")]
    except (CsabookError, ValueError, SyntaxError):
        return []
