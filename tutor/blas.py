"""How many BLAS threads the matrix products use: one for small problems,
every core for large ones, unless the user said otherwise.

Why both. On the tutor's own matrices (at most 5000 x 400) a product takes a
few milliseconds; a second OpenBLAS thread saves little of that and, on a busy
machine, threads spinning against other processes made lessons several times
slower. At MNIST size (20000 x 784 and up) one cost-and-gradient evaluation is
about 70 ms on one thread and 1.5x faster on two (bench/threads.py). So the
command line starts numpy on one thread (`default_to_one_thread`, called before
numpy loads) and training raises the count for each cost-and-gradient
evaluation of a large problem (`threads_for`, `threaded_evaluations`), through
threadpoolctl, while the optimizer's own work between evaluations stays on one.

On a machine whose cores are already busy, large problems use only the free
ones (the kernel's count of runnable threads, sampled a few times): extra
BLAS threads would wait for cores and slow training down (measured:
BENCHMARKS.md).

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
    global _user_chose, _one_at_start
    _user_chose = user_chose_threads(os.environ)
    if not _user_chose:
        for var in THREAD_VARS:
            os.environ[var] = "1"
    _one_at_start = all(os.environ.get(var) == "1" for var in THREAD_VARS)


# True once `default_to_one_thread` saw every BLAS thread variable at 1 (its
# own default, or the user's): numpy's BLAS then starts on one thread.
_one_at_start = False


def _running_now(path: str = "/proc/loadavg") -> int | None:
    """Threads the kernel counts as runnable at this instant, this one included
    (the fourth field of /proc/loadavg, "running/total"); None where unreadable."""
    try:
        with open(path, encoding="ascii") as f:
            return int(f.read().split()[3].split("/")[0])
    except (OSError, ValueError, IndexError):
        return None


def _own_running(task_dir: str = "/proc/self/task") -> int | None:
    """Threads of this process that are runnable now (this one included); None where unreadable.

    Counted apart because they are not competition: an idle OpenBLAS worker
    spins for a moment after each product, and it is the very thread a larger
    count would hand work to.
    """
    try:
        tasks = os.listdir(task_dir)
    except OSError:
        return None
    n = 0
    for task in tasks:
        try:
            with open(f"{task_dir}/{task}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue  # the thread ended meanwhile
        end = stat.rfind(b")")  # the state follows the name, which may hold spaces or ')'
        n += stat[end + 2:end + 3] == b"R"
    return n


def others_running(samples: int = 5, gap: float = 0.002, read=_running_now, own=_own_running) -> int | None:
    """How many threads of other processes keep cores busy right now; None where it cannot be told.

    The least of a few samples a couple of milliseconds apart: a process that
    computes is runnable in every sample, one that merely wakes up is not.
    Unlike the load average, this sees the machine as it is now, not as it
    was over the last minute (the average still counts a job that ended
    thirty seconds ago, and takes a minute to notice one that started).
    """
    import time

    least = None
    for i in range(samples):
        if i:
            time.sleep(gap)
        total, mine = read(), own()
        if total is None or mine is None:
            return None
        least = total - mine if least is None else min(least, total - mine)
    return max(0, least)


def free_cores() -> int:
    """Cores not taken by other work, at least one.

    Measured here (BENCHMARKS.md): on a loaded machine a second OpenBLAS
    thread waits for a core while the first spins, and training gets slower,
    not faster. So training asks for as many threads as there are free cores.
    Where the running count cannot be read, the 1-minute load average stands
    in (a machine counts as free unless it is within half a core of full).
    """
    cores = os.cpu_count() or 1
    others = others_running()
    if others is None:
        try:
            load = os.getloadavg()[0]
        except (AttributeError, OSError):
            return cores
        return 1 if load >= cores - 0.5 else cores
    return max(1, cores - others)


def threads_for(m: int, n: int) -> int | None:
    """The thread count the policy wants for an (m, n) X, or None for
    "leave it as it is" (the user chose, or the answer is the one thread the
    command line already runs on)."""
    if user_chose_threads():
        return None
    want = free_cores() if m * n >= LARGE else 1  # small problems: one thread
    if want == 1 and _user_chose is False:
        return None  # under the CLI that is already the case
    return want


@contextlib.contextmanager
def blas_threads(m: int, n: int):
    """Run the block with the policy's thread count for an (m, n) problem.

    Yields the count in force (None when it was left alone or threadpoolctl
    is not installed, in which case nothing changes).
    """
    want = threads_for(m, n)
    with _limited(want):
        yield want if want is not None and _threadpoolctl() else None


def _threadpoolctl():
    """The threadpoolctl module, or None where it is not installed (then nothing changes)."""
    try:
        import threadpoolctl
    except ImportError:
        return None
    return threadpoolctl


@contextlib.contextmanager
def _limited(count: int | None):
    """BLAS on `count` threads for the block; None (or no threadpoolctl): left as it is."""
    tpc = _threadpoolctl() if count is not None else None
    if tpc is None:
        yield
        return
    with tpc.threadpool_limits(limits=count, user_api="blas"):
        yield


def one_thread():
    """A context running BLAS on one thread, for timings a learner reads.

    Under the command line that is usually the case already (the variables
    `default_to_one_thread` saw before numpy loaded all said 1), and then
    nothing is done: threadpoolctl's import and its first scan of the loaded
    libraries cost about 5 ms, more than the products some lessons time.
    Elsewhere (a notebook, the user's own thread count) threadpoolctl limits
    the block, where it is installed.
    """
    if _one_at_start:
        return contextlib.nullcontext()
    return _limited(1)


@contextlib.contextmanager
def threaded_evaluations(m: int, n: int, func):
    """Yield func made to run with the policy's thread count for an (m, n) problem,
    while the rest of the block stays on one thread.

    Why only the evaluations: an optimizer such as scipy's L-BFGS-B makes many
    small BLAS calls of its own (dot products and updates of the parameter
    vector); with two OpenBLAS threads those got several times slower and a
    whole 20000 x 784 training took 4.5 s instead of 2.3 s on one thread,
    although each cost-and-gradient evaluation was 1.5x faster. Threads only
    around the evaluations: 1.7 s (bench/mnist.py). Switching the count costs
    about 10 us a call (a threadpoolctl controller made once).
    """
    want = threads_for(m, n)
    tpc = _threadpoolctl()
    if want is None or want == 1 or tpc is None:
        with _limited(want):
            # Known only where the policy set the count, or the command line's
            # default of one thread is in force (None: the user's own setting).
            in_force = want if tpc is not None else None
            if want is None and _user_chose is False:
                in_force = 1
            yield _Counted(func, in_force)
        return
    controller = tpc.ThreadpoolController()

    def evaluate(*args, **kwargs):
        with controller.limit(limits=want, user_api="blas"):
            return func(*args, **kwargs)

    with controller.limit(limits=1, user_api="blas"):
        yield _Counted(evaluate, want)


class _Counted:
    """An evaluation function that says how many BLAS threads it runs on:
    `threads`, or None where that is the user's (or the library caller's) setting."""

    __slots__ = ("func", "threads")

    def __init__(self, func, threads: int | None) -> None:
        self.func = func
        self.threads = threads

    def __call__(self, *args, **kwargs):
        return self.func(*args, **kwargs)
