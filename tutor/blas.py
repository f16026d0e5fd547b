"""How many BLAS threads the matrix products use: one for small problems,
every core for large ones, unless the user said otherwise.

Why both. On the tutor's own matrices (at most 5000 x 400) a product takes a
few milliseconds; a second OpenBLAS thread saves little of that and, on a busy
machine, threads spinning against other processes made lessons several times
slower. At MNIST size (20000 x 784 and up) one cost-and-gradient evaluation is
about 70 ms on one thread and 1.5x faster on two (bench/threads.py). So the
command line starts numpy on one thread (`default_to_one_thread`, called before
numpy loads) and training raises the count for the duration of a large
problem (`threads_for`), through threadpoolctl.

On a machine whose cores are already busy (load average within half a core
of the core count) large problems stay on one thread too: extra BLAS threads
then wait for cores and slow training down (measured: BENCHMARKS.md).

The user's choice wins: when OPENBLAS_NUM_THREADS, OMP_NUM_THREADS or
MKL_NUM_THREADS was set before the tutor started, nothing here changes it.
This module imports nothing heavy: the CLI calls it before numpy exists.
"""

from __future__ import annotations

import contextlib
import os

THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")

# m * n (rows times features of X) from which training uses every core.
# Above the course's biggest data set (5000 x 400 = 2.0e6), so lessons stay on
# one thread; measured on the 2-core machine (bench/threads.py), two threads
# make a 400-25-10 or 784-25-10 cost-and-gradient evaluation 1.45-1.55x faster
# from 4e6 elements (10000 x 400) up, 1.2-1.5x below it.
LARGE = 4_000_000

# None: no decision taken yet (the tutor was imported as a library);
# True/False once `default_to_one_thread` has run.
_user_chose: bool | None = None


def user_chose_threads(environ=None) -> bool:
    """True when the user set a BLAS thread count themselves."""
    if _user_chose is not None and environ is None:
        return _user_chose
    env = os.environ if environ is None else environ
    return any(v in env for v in THREAD_VARS)


def default_to_one_thread() -> None:
    """One BLAS thread unless the user chose a count. Call before numpy loads."""
    global _user_chose
    _user_chose = user_chose_threads(os.environ)
    if not _user_chose:
        for var in THREAD_VARS:
            os.environ[var] = "1"


def machine_busy() -> bool:
    """True when the other processes already keep the cores busy.

    Measured here (BENCHMARKS.md): on a loaded machine a second OpenBLAS
    thread waits for a core while the first spins, and training gets slower,
    not faster. The 1-minute load average against the core count is a cheap,
    if coarse, sign of that; where it cannot be read, the machine counts as free.
    """
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        return False
    return load >= (os.cpu_count() or 1) - 0.5


def threads_for(m: int, n: int) -> int | None:
    """The thread count the policy wants for an (m, n) X, or None for
    "leave it as it is" (the user chose, the problem is small, or the
    machine is already busy)."""
    if user_chose_threads():
        return None
    if m * n >= LARGE:
        if machine_busy():
            return None if _user_chose is False else 1
        return os.cpu_count() or 1
    # Small: one thread. Under the CLI that is already the case.
    return None if _user_chose is False else 1


@contextlib.contextmanager
def blas_threads(m: int, n: int):
    """Run the block with the policy's thread count for an (m, n) problem.

    Yields the count in force (None when it was left alone or threadpoolctl
    is not installed, in which case nothing changes).
    """
    want = threads_for(m, n)
    if want is None:
        yield None
        return
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield None
        return
    with threadpool_limits(limits=want, user_api="blas"):
        yield want
