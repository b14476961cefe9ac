"""Peak resident memory of a process, as the benches report it."""

from __future__ import annotations

import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path


def peak_rss_mb(pid: int | str = "self") -> float | None:
    """A live process's own peak RSS in MB (VmHWM); None once it has exited.

    Not getrusage's ru_maxrss: Linux carries a parent's peak over fork and exec into it, so a process started by a
    bench that has just grown a base would report the bench's own peak.
    """
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = [line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")]
    return int(found[0]) / 1024 if found else None


def run_with_peak(command: Sequence[str], env: Mapping[str, str], cwd: Path) -> tuple[float, float]:
    """Run a command to its end: its seconds and its peak RSS in MB, read every 50 ms (raise if it fails)."""
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: a long run's progress output never fills it
        start = time.perf_counter()
        process = subprocess.Popen(command, env=dict(env), cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors)
        peak = 0.0
        while process.poll() is None:
            peak = max(peak, peak_rss_mb(process.pid) or 0.0)
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        if process.returncode != 0:
            errors.seek(0)
            raise SystemExit(f"{' '.join(command)} failed: {errors.read().decode()[-2000:]}")
    return seconds, peak
