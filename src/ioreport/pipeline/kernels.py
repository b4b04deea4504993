"""Executing section notebooks with papermill, several at a time, in kernels that are reused.

Starting a kernel is the fixed cost of a notebook: the interpreter, the imports, the chart font and
the Vega runtime take seconds, more than a small dataset's analyses. So each worker, a
thread of this process with its own event loop, keeps one kernel for the notebooks it takes, and
resets its namespace (and execution count) between them: a notebook sees only what it defines, as in
a fresh kernel. A notebook that fails, or whose kernel dies, fails alone: its worker replaces the
kernel before the next notebook, which so never shares a kernel with a failure.

Kernels talk over Unix sockets whose files, with the connection files, live in a private directory
removed after the run, so that concurrent runs never meet.
"""

from __future__ import annotations

import os
import queue
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jupytext
import nbformat
import papermill
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import ensure_event_loop, run_sync
from nbclient.exceptions import DeadKernelError
from papermill.exceptions import PapermillExecutionError

from ioreport.config.paths import NOTEBOOKS_DIR
from ioreport.pipeline import kernel_startup

KERNEL = "python3"
KERNEL_SPEC = {"name": KERNEL, "display_name": "Python 3", "language": "python"}
KERNEL_ARGUMENTS = [
    f"--ext={kernel_startup.__name__}",
    # Concurrent kernels would share one history database; a notebook run needs none.
    "--HistoryManager.enabled=False",
    # No output cache (Out, _1, ...), which a notebook run never reads: resetting the namespace would
    # flush it with a full garbage collection each time (0.7 s of CPU in a run of 31 rows).
    "--InteractiveShell.cache_size=0",
]
RESET_NAMESPACE = "get_ipython().reset(new_session=True)"
RESET_TIMEOUT_SECONDS = 60


class LocalKernelManager(AsyncKernelManager):
    """Kernels talk over Unix sockets: nothing listens on a TCP port (and ipykernel does not warn)."""

    transport = "ipc"
    autorestart = False  # a kernel that dies is a failed section, never silently a fresh kernel

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._clients: list = []

    def client(self, **kwargs: Any):
        client = super().client(**kwargs)
        self._clients.append(client)
        return client

    def close_clients(self) -> None:
        """Stop the channels of the clients handed out: nbclient leaves open those of a kernel it was lent."""
        for client in self._clients:
            if client.channels_running:
                client.stop_channels()
        self._clients.clear()


@dataclass(frozen=True)
class NotebookJob:
    name: str
    source: Path  # py:percent
    output: Path  # the executed .ipynb
    parameters: dict[str, Any]


@dataclass(frozen=True)
class NotebookOutcome:
    error: str | None  # why it failed; None when every cell ran
    seconds: float
    peak_memory_mib: int | None  # the kernel's peak resident set during the notebook, where Linux tells it


class NotebookFailed(Exception):
    """A notebook executed alone did not run to its end."""


@contextmanager
def kernel_directory() -> Iterator[Path]:
    """A private directory for a run's connection files and sockets, removed after it."""
    with tempfile.TemporaryDirectory(prefix="ioreport-kernels-") as directory:
        yield Path(directory)


def start_kernel(directory: Path) -> LocalKernelManager:
    """Start a kernel in this thread's event loop (it warms up while the caller goes on)."""
    manager = LocalKernelManager(
        kernel_name=KERNEL, connection_file=str(directory / f"kernel-{uuid.uuid4().hex}.json")
    )
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(directory)}
    run_sync(manager.start_kernel)(cwd=str(NOTEBOOKS_DIR), extra_arguments=KERNEL_ARGUMENTS, env=env)
    return manager


def shut_down(manager: LocalKernelManager) -> None:
    run_sync(manager.shutdown_kernel)(now=True)


def _proc_file(manager: LocalKernelManager, name: str) -> Path:
    process = getattr(manager.provisioner, "process", None)
    return Path(f"/proc/{process.pid if process else 'none'}/{name}")


def _reset_peak_memory(manager: LocalKernelManager) -> None:
    """Start the kernel's peak resident set afresh, so that it is the next notebook's ("5" to clear_refs)."""
    with suppress(OSError):
        _proc_file(manager, "clear_refs").write_text("5")


def _peak_memory_mib(manager: LocalKernelManager) -> int | None:
    try:
        status = _proc_file(manager, "status").read_text()
    except OSError:
        return None
    peak = next((line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")), None)
    return round(int(peak) / 1024) if peak else None


def _failure(exc: Exception) -> str:
    if isinstance(exc, PapermillExecutionError):
        return f"failed at cell {exc.exec_count}: {exc.ename}: {exc.evalue}"
    if isinstance(exc, DeadKernelError):
        return f"failed: its kernel died ({exc})"
    return f"failed: {type(exc).__name__}: {exc}"


def run_in_kernel(job: NotebookJob, manager: LocalKernelManager, directory: Path) -> NotebookOutcome:
    """Execute the job's notebook in a started kernel; papermill writes it to `job.output` as it goes.
    `directory` (the run's private one) holds the notebook converted from py:percent."""
    started = time.perf_counter()
    _reset_peak_memory(manager)
    error = None
    try:
        notebook = jupytext.read(job.source)
        notebook.metadata["kernelspec"] = KERNEL_SPEC
        converted = directory / f"{job.name}.ipynb"
        nbformat.write(notebook, converted)
        papermill.execute_notebook(
            str(converted),
            str(job.output),
            parameters=job.parameters,
            kernel_name=KERNEL,
            language="python",
            km=manager,
            progress_bar=False,
            log_output=False,
        )
    except Exception as exc:  # noqa: BLE001 - whatever stops a notebook fails its section alone
        error = _failure(exc)
    finally:
        manager.close_clients()
    return NotebookOutcome(error, time.perf_counter() - started, _peak_memory_mib(manager))


def _keep_unexecuted(job: NotebookJob) -> None:
    """A notebook that failed before papermill wrote it is kept unexecuted, for the report and the reader."""
    with suppress(Exception):
        nbformat.write(jupytext.read(job.source), job.output)


async def _reset(manager: LocalKernelManager) -> bool:
    """Clear the kernel's namespace for the next notebook; False if it cannot be."""
    client = manager.client()
    client.start_channels()
    try:
        reply = await client.execute_interactive(RESET_NAMESPACE, silent=True, timeout=RESET_TIMEOUT_SECONDS)
    except Exception:  # noqa: BLE001 - a kernel that cannot be reset is replaced
        return False
    finally:
        manager.close_clients()
    return reply["content"]["status"] == "ok"


def execute_notebook(source: Path, output: Path, parameters: dict[str, Any]) -> None:
    """Execute one py:percent notebook into `output` in a kernel of its own; raises NotebookFailed."""
    with kernel_directory() as directory:
        manager = start_kernel(directory)
        try:
            outcome = run_in_kernel(NotebookJob(source.stem, source, output, parameters), manager, directory)
        finally:
            shut_down(manager)
    if outcome.error:
        raise NotebookFailed(f"notebook {source.stem} {outcome.error}")


def execute_notebooks(
    jobs: list[NotebookJob],
    workers: int,
    started: Callable[[NotebookJob], None],
    finished: Callable[[NotebookJob, NotebookOutcome], None],
) -> None:
    """Execute every job, `workers` at a time; `started` and `finished` are called, one call at a time,
    as each notebook starts and ends."""
    pending: queue.SimpleQueue[NotebookJob] = queue.SimpleQueue()
    for job in jobs:
        pending.put(job)
    one_at_a_time = threading.Lock()

    def work(directory: Path) -> None:
        manager = None
        while True:
            try:
                job = pending.get_nowait()
            except queue.Empty:
                break
            with one_at_a_time:
                started(job)
            try:
                manager = manager or start_kernel(directory)
                outcome = run_in_kernel(job, manager, directory)
            except Exception as exc:  # noqa: BLE001 - a kernel that cannot start fails this notebook only
                outcome = NotebookOutcome(f"failed: its kernel did not start ({exc})", 0.0, None)
            if outcome.error and not job.output.exists():
                _keep_unexecuted(job)
            if manager and (outcome.error or not run_sync(_reset)(manager)):
                shut_down(manager)
                manager = None
            with one_at_a_time:
                finished(job, outcome)
        if manager:
            shut_down(manager)
        ensure_event_loop().close()

    with kernel_directory() as directory:
        # Daemons: an interrupted run exits at once (its kernels, orphaned, exit after it).
        count = min(workers, len(jobs))
        threads = [threading.Thread(target=work, args=(directory,), daemon=True) for _ in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
