"""Run the analysis with single-threaded BLAS.

The matrices here are small (tens of rows), where OpenBLAS's threads only cost: on a busy
2-core machine, spinning BLAS threads made an invariance run 100x slower (13 s instead
of 0.12 s). threadpoolctl (installed alongside scikit-learn, pingouin and many others)
limits them for the duration of a call; without it, the analysis still runs, just without
that guard (set ``OPENBLAS_NUM_THREADS=1`` instead).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def _limit() -> AbstractContextManager[Any]:
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # optional: see the module docstring
        return nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def single_threaded(func: Callable[P, R]) -> Callable[P, R]:
    """Decorate a public analysis function so BLAS runs on one thread inside it."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with _limit():
            return func(*args, **kwargs)

    return wrapper
