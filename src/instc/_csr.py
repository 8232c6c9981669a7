"""Compressed sparse row (CSR) structure shared by the graph builders and search kernels."""

from __future__ import annotations

import numpy as np
from numpy.typing import DTypeLike

__all__ = ["row_pointer"]


def row_pointer(tails: np.ndarray, n_rows: int, dtype: DTypeLike = np.int64) -> np.ndarray:
    """The CSR row pointer of edges sorted by tail: the edges of row ``r`` are positions
    ``ptr[r]`` to ``ptr[r + 1] - 1`` (``n_rows + 1`` entries, ``ptr[0] == 0``).

    >>> row_pointer(np.array([0, 0, 2]), 3).tolist()
    [0, 2, 2, 3]
    """
    ptr = np.zeros(n_rows + 1, dtype=dtype)
    np.cumsum(np.bincount(tails, minlength=n_rows), out=ptr[1:])
    return ptr
