"""Every bad input of the corpus (bad_inputs.py) exits non-zero with one line, no traceback.

The corpus crosses every command with bad option values, output paths, input files
(TOML, CSV, TNTP, sweep) and dataset folders with one broken value; the case id says
the kind (``cli-number``, ``output-path``, ``input-toml``, ``data``, ``tntp`` ...).

Each case runs in this process through :func:`instc.cli.run` (the console entry point),
so the embedded network loads once for the whole corpus; a case that runs longer than
``run_case``'s limit fails as a hang. A sample of one case per kind also runs as a real
process with its output piped: the exit code, the absence of a traceback and the one
error line are then those a shell sees.
"""

from __future__ import annotations

import collections
import os
import subprocess
import sys

import pytest
from bad_inputs import Outcome, cases, check, prepare, run_case

CASES = cases()
# the first case of each kind, run again as a real process
SAMPLE = list({case.kind: case for case in reversed(CASES)}.values())


def test_the_corpus_holds_at_least_500_bad_inputs_of_every_kind():
    kinds = collections.Counter(case.kind for case in CASES)
    assert sum(kinds.values()) >= 500
    assert len({case.id for case in CASES}) == len(CASES)
    for kind in ("cli-number", "cli-name", "output-path", "input-toml", "data", "tntp"):
        assert kinds[kind] >= 10, kind


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_bad_input_gives_one_line_and_a_non_zero_exit(case, tmp_path):
    outcome = run_case(case, tmp_path)
    problem = check(case, outcome)
    assert problem is None, problem


@pytest.mark.parametrize("case", SAMPLE, ids=[case.id for case in SAMPLE])
def test_a_real_process_exits_non_zero_with_one_piped_line(case, tmp_path):
    args = prepare(case, tmp_path)
    env = {**os.environ, "COLUMNS": "60", "NO_COLOR": "1"}
    proc = subprocess.run(
        [sys.executable, "-c", "from instc.cli import main; main()", *args],
        capture_output=True, text=True, env=env, timeout=180, check=False,
    )  # fmt: skip
    outcome = Outcome(proc.returncode, proc.stdout, proc.stderr, None, 0.0)
    problem = check(case, outcome)
    assert problem is None, problem
