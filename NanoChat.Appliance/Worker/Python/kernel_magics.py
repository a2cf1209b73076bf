# Jupyter-style extras of a cell, for the worker's Python runtime (kernel_runtime.py, module
# appliance_kernel): `!command` lines through the shell, %time/%timeit, the cell magics tutorials
# use (%%writefile, %%bash), `name?` help and a few harmless magics; every other magic is refused
# with one clear sentence. Embedded in the binary, loaded at worker start.
import os
import re
import signal
import subprocess
import sys
import time

SUPPORTED_MAGICS = ("%time", "%%time", "%timeit", "%%timeit", "%%writefile", "%%bash", "%%sh", "%run", "%matplotlib",
                    "%load_ext autoreload", "%autoreload", "%pip", "%cd", "%pwd", "%env")


class MagicError(Exception):
    """A magic this appliance does not support, or misused; shown as a one-line error in the cell."""
    label = "UsageError"


class ScriptError(MagicError):
    """A %%bash / %%sh cell whose script exited non-zero (IPython 8 raises then too)."""
    label = "CalledProcessError"


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
    return _run_child(command, shell=True)


def _run_child(args, shell=False):
    _kernel()._flush_std()
    # Child Pythons (`!python -m scripts.train`) stream their prints instead of block-buffering them.
    process = subprocess.Popen(args, shell=shell, env=dict(os.environ, PYTHONUNBUFFERED="1"))
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


def cell_magic(header, body, ns):
    """Runs a cell that starts with `%%name args`; returns the value to display, if any."""
    name, _, argument = header[2:].strip().partition(" ")
    argument = argument.strip()
    if name == "time":
        return time_statement(body, ns)
    if name == "timeit":
        timeit_statement(body, ns)
    elif name == "writefile":
        write_file(argument, body)
    elif name in ("bash", "sh"):
        status = _run_child(["/bin/" + name, "-c", body])
        if status != 0:
            raise ScriptError("the %s script exited with status %d" % (name, status))
    else:
        raise MagicError(unsupported("%%" + name))
    return None


def write_file(argument, body):
    """%%writefile [-a|--append] FILE: saves the cell's text (e.g. a script for `!python FILE`)."""
    import shlex
    words = shlex.split(argument)
    append = bool(words) and words[0] in ("-a", "--append")
    if append:
        words = words[1:]
    if len(words) != 1:
        raise MagicError("%%writefile needs one file name: %%writefile [-a] FILE")
    path = os.path.expanduser(words[0])
    existed = os.path.exists(path)
    with open(path, "a" if append else "w", encoding="utf-8") as handle:
        handle.write(body if body.endswith("\n") or not body else body + "\n")
    print("%s %s" % ("Appending to" if append else "Overwriting" if existed else "Writing", words[0]))


_HELP_LINE = re.compile(r"^\s*(\?{1,2})?([A-Za-z_][\w.]*)(\?{1,2})?\s*$")


def help_request(source):
    """
    Jupyter's help: a cell whose last line is only `name?`, `name??` or `?name` answers (the code
    before that line, name); else None. Only the last line, as in IPython: elsewhere a `?` could be
    inside a string.
    """
    before, _, last = source.rstrip().rpartition("\n")
    match = _HELP_LINE.match(last)
    if match is None or not (match.group(1) or match.group(3)) or (match.group(1) and match.group(3)):
        return None
    return before, match.group(2)


def run_script(argument, ns):
    """%run FILE [ARGS]: runs a script as __main__ with those sys.argv, then keeps its globals here."""
    import runpy
    import shlex
    words = shlex.split(argument)
    if not words:
        raise MagicError("%run needs a file: %run FILE [ARGS]")
    if not os.path.isfile(words[0]):
        raise MagicError("%%run: no file %s in %s" % (words[0], os.getcwd()))
    saved = sys.argv
    sys.argv = words
    try:
        result = runpy.run_path(words[0], run_name="__main__")
    except SystemExit as exit:
        if exit.code not in (None, 0):  # argparse's --help or a clean sys.exit() is not an error
            raise
        return
    finally:
        sys.argv = saved
    ns.update((name, value) for name, value in result.items() if not name.startswith("__"))


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
    elif name == "run":
        run_script(argument, ns)
    elif name in ("load_ext", "reload_ext"):
        if argument.strip() != "autoreload":
            raise MagicError("%%%s %s is not supported in this appliance: its only extension is autoreload" % (name, argument.strip()))
        import appliance_autoreload  # noqa: F401  (loaded on first use)
    elif name == "autoreload":
        import appliance_autoreload
        appliance_autoreload.magic(argument)
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
