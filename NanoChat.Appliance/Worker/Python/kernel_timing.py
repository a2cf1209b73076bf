# %time and %timeit (line and cell forms), with IPython's output and %timeit's options -n, -r, -q, -o.
# Loaded as `appliance_timing` on first use (kernel_magics.py).
import re
import time

from appliance_magics import MagicError, _kernel


def time_statement(code, ns):
    started_wall, started_cpu = time.perf_counter(), time.process_time()
    try:
        return _kernel().run_source(code, ns, "<%time>", display_last=True)
    finally:
        wall, cpu = time.perf_counter() - started_wall, time.process_time() - started_cpu
        print("CPU times: total: %s\nWall time: %s" % (_format_seconds(cpu), _format_seconds(wall)))


_TIMEIT_OPTION = re.compile(r"^\s*-(n|r)\s*(\d+)|^\s*-([qo])(?=\s|$)")
_TIMEIT_USAGE = "%timeit [-n LOOPS] [-r REPEATS] [-q] [-o] STATEMENT"


def timeit_options(argument):
    """IPython's %timeit options ahead of the statement: ({"n": …, "r": …, "q": …, "o": …}, rest)."""
    options = {}
    while True:
        match = _TIMEIT_OPTION.match(argument)
        if match is None:
            break
        if match.group(1):
            options[match.group(1)] = int(match.group(2))
        else:
            options[match.group(3)] = True
        argument = argument[match.end():]
    if argument.lstrip().startswith("-"):
        raise MagicError("%s (unknown option in %r)" % (_TIMEIT_USAGE, argument.strip()))
    return options, argument.strip()


class TimeitResult:
    """What `%timeit -o` returns, with IPython's names: loops, repeat, all_runs, best, worst, average, stdev."""

    def __init__(self, loops, repeat, all_runs):
        self.loops, self.repeat, self.all_runs = loops, repeat, all_runs
        self.timings = [run / loops for run in all_runs]
        self.best, self.worst = min(self.timings), max(self.timings)
        self.average = sum(self.timings) / len(self.timings)
        self.stdev = (sum((t - self.average) ** 2 for t in self.timings) / len(self.timings)) ** 0.5

    def __str__(self):
        runs = "%d run%s" % (self.repeat, "" if self.repeat == 1 else "s")
        loops = "{:,} loop{}".format(self.loops, "" if self.loops == 1 else "s")
        return "%s ± %s per loop (mean ± std. dev. of %s, %s each)" % (_format_seconds(self.average), _format_seconds(self.stdev), runs, loops)

    def __repr__(self):
        return "<TimeitResult : %s>" % self


def timeit_statement(code, ns, options=None, setup="pass"):
    import timeit
    options = options or {}
    if not code.strip():
        raise MagicError(_TIMEIT_USAGE)
    timer = timeit.Timer(code, setup=setup, globals=ns)
    number = options.get("n") or timer.autorange()[0]
    repeat = options.get("r") or 7
    result = TimeitResult(number, repeat, timer.repeat(repeat=repeat, number=number))
    if not options.get("q"):
        print(result)
    return result if options.get("o") else None


def _format_seconds(seconds):
    for unit, scale in (("s", 1), ("ms", 1e3), ("µs", 1e6), ("ns", 1e9)):
        if seconds * scale >= 1 or unit == "ns":
            return "%.3g %s" % (seconds * scale, unit)
