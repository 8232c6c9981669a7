"""The per-element jobs on Dask (via instc.sweeps.run_sweep) give the in-process answer."""

from __future__ import annotations

import pytest
from resilience_toynet import ODS, toy

from instc.resilience.criticality import criticality


@pytest.mark.slow
def test_dask_local_cluster_matches_in_process():
    pytest.importorskip("distributed")
    local = criticality(toy(), ods=ODS, by="cost")
    calls = []
    remote = criticality(
        toy(), ods=ODS, by="cost", workers=1, progress=lambda d, t: calls.append((d, t))
    )
    assert remote.ranking == local.ranking
    assert remote.impacts == local.impacts
    assert calls[0] == (0, 4) and calls[-1] == (4, 4)
