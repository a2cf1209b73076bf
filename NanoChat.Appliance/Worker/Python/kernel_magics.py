# Jupyter-style extras of a cell, for the worker's Python runtime (kernel_runtime.py, module
# appliance_kernel): `!command` lines through the shell, %time/%timeit and a few harmless magics;
# every other magic is refused with one clear sentence. Embedded in the binary, loaded at worker start.
import os
import re
import signal
import subprocess
import sys
import time

SUPPORTED_MAGICS = ("%time", "%%time", "%timeit", "%%timeit", "%matplotlib", "%pip", "%cd", "%pwd", "%env")


class MagicError(Exception):
    """A magic this appliance does not support; shown as a one-line error in the cell."""


def _kernel():
    return sys.modules["appliance_kernel"]


def expand(command, ns):
    def field(match):
        try:
            return str(eval(match.group(1), ns))
        except Exception:
            return match.group(0)
    command = re.sub(r"\{([^{}]+)\}", field, command)
    return re.sub(r"\$([A-Za-z_][A-Za-z0-9_]*)", lambda m: str(ns[m.group(1)]) if m.group(1) in ns else m.group(0), command)


def shell(command):
    """Runs a `!command` line through /bin/sh in the current folder; output streams into the cell."""
    _kernel()._flush_std()
    # Child Pythons (`!python -m scripts.train`) stream their prints instead of block-buffering them.
    process = subprocess.Popen(command, shell=True, env=dict(os.environ, PYTHONUNBUFFERED="1"))
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(2)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        raise


def time_statement(code, ns):
    started_wall, started_cpu = time.perf_counter(), time.process_time()
    try:
        return _kernel().run_source(code, ns, "<%time>", display_last=True)
    finally:
        wall, cpu = time.perf_counter() - started_wall, time.process_time() - started_cpu
        print("CPU times: total: %s\nWall time: %s" % (_format_seconds(cpu), _format_seconds(wall)))


def timeit_statement(code, ns):
    import timeit
    timer = timeit.Timer(code, globals=ns)
    number, _ = timer.autorange()
    runs = [t / number for t in timer.repeat(repeat=7, number=number)]
    mean = sum(runs) / len(runs)
    std = (sum((r - mean) ** 2 for r in runs) / len(runs)) ** 0.5
    print("%s ± %s per loop (mean ± std. dev. of 7 runs, %d loops each)" % (_format_seconds(mean), _format_seconds(std), number))


def _format_seconds(seconds):
    for unit, scale in (("s", 1), ("ms", 1e3), ("µs", 1e6), ("ns", 1e9)):
        if seconds * scale >= 1 or unit == "ns":
            return "%.3g %s" % (seconds * scale, unit)


def line_magic(name, argument, ns):
    if name == "time":
        return time_statement(argument, ns)
    elif name == "timeit":
        timeit_statement(argument, ns)
    elif name == "matplotlib":
        pass  # figures are always shown inline here
    elif name == "pip":
        shell("%s -m pip %s" % (sys.executable, argument))
    elif name == "cd":
        os.chdir(os.path.expanduser(argument or "~"))
        print(os.getcwd())
    elif name == "pwd":
        return os.getcwd()
    elif name == "env":
        if "=" in argument:
            key, _, value = argument.partition("=")
            os.environ[key.strip()] = value.strip()
        elif argument:
            return os.environ.get(argument.strip())
        else:
            return dict(os.environ)
    else:
        raise MagicError(unsupported("%" + name))


def unsupported(magic):
    return "%s is not supported in this appliance; supported magics: %s, and !command lines." % (magic, ", ".join(SUPPORTED_MAGICS))


_SHELL_LINE = re.compile(r"^(\s*)!(.*)$")
_MAGIC_LINE = re.compile(r"^(\s*)%([A-Za-z_]\w*)\s*(.*)$")


def transform(source):
    """Rewrites `!cmd` and `%magic` lines into calls; returns plain Python."""
    lines = source.split("\n")
    out = []
    for line in lines:
        match = _SHELL_LINE.match(line)
        if match:
            out.append("%s(__appliance_kernel__.shell(__appliance_kernel__.expand(%r, globals())), None)[1]" % (match.group(1), match.group(2)))
            continue
        match = _MAGIC_LINE.match(line)
        if match and not line.lstrip().startswith("%%"):
            out.append("%s__appliance_kernel__.line_magic(%r, %r, globals())" % match.groups())
            continue
        out.append(line)
    return "\n".join(out)
