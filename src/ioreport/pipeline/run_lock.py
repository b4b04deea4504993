"""One run at a time per run directory: a run holds an exclusive lock on the directory's lock file.

The lock is the kernel's (flock): it goes with the process, so a run that was killed holds nothing. The
lock file stays, naming the process that last held it.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager

from ioreport.config.rundir import RunDir
from ioreport.errors import InputError


class RunDirBusy(InputError):
    """Another run is writing the run directory."""


@contextmanager
def holding(run: RunDir) -> Iterator[None]:
    """Hold `run` for this process until the block ends; raises RunDirBusy if another process holds it."""
    descriptor = os.open(run.lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 32, 0).decode(errors="replace").strip() or "unknown"
            raise RunDirBusy(
                f"another ioreport run is writing {run.root} (pid {holder}); "
                "wait for it or choose another --out"
            ) from None
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(descriptor)
