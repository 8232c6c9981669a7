"""Ctrl-C on a Dask sweep: one line on stderr, exit 130, the finished tasks kept.

A terminal sends SIGINT to the whole process group, the Dask worker processes too: the
test does the same (a new session, then ``killpg``) once the first task is on disk.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

SWEEP = """[sweep]
name = "c"
seed = 1
samples = 200000
replications = 200

[[legs]]
name = "road"
kind = "link"
time_h = [30, 36, 48]

[grid]
border_delay_factor = [1.0, 2.0, 3.0, 4.0, 5.0]
"""


def test_ctrl_c_on_a_dask_sweep_prints_one_line_and_exits_130(tmp_path: Path) -> None:
    (tmp_path / "s.toml").write_text(SWEEP, encoding="utf-8")
    tasks = tmp_path / "sweep-c" / "tasks"
    proc = subprocess.Popen(
        [sys.executable, "-c", "from instc.cli import main; main()",
         "sweep", str(tmp_path / "s.toml"), "--workers", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        # as in a terminal's foreground job: a background runner (nohup ... &) ignores SIGINT
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    deadline = time.monotonic() + 240
    while not (tasks.is_dir() and any(tasks.iterdir())):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "no task finished in 240 s"
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=240)
    assert proc.returncode == 130
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("error: interrupted") and "run the same command again" in lines[0]
    assert "Traceback" not in out + err
    assert 0 < len(list(tasks.iterdir())) < 1000  # kept, and stopped before the end
