# Jupyter-style extras of a cell, for the worker's Python runtime (kernel_runtime.py, module
# appliance_kernel): `!command` lines through the shell, %time/%timeit, the cell magics tutorials
# use (%%writefile, %%bash, %%capture, %%html), `name?` help, %config for figures, %who/%reset and a
# few harmless magics; every other magic is refused with one clear sentence. Embedded in the binary,
# loaded at worker start; %%capture (kernel_capture.py) and the namespace magics (kernel_namespace.py)
# load on first use.
import os
import re
import signal
import subprocess
import sys
import time

LINE_MAGICS = ("%time", "%timeit", "%run", "%matplotlib", "%config", "%load_ext autoreload", "%autoreload", "%who",
               "%who_ls", "%whos", "%reset", "%debug", "%pdb", "%xmode", "%load", "%pip", "%cd", "%pwd", "%env", "%lsmagic")
CELL_MAGICS = ("%%time", "%%timeit", "%%capture", "%%writefile", "%%bash", "%%sh", "%%html", "%%markdown", "%%latex", "%%svg",
               "%%javascript")
SUPPORTED_MAGICS = LINE_MAGICS + CELL_MAGICS

# Cell magics that show the cell's text as one output of that type.
# JavaScript runs where an HTML output's scripts do: in the page's sandboxed output frame.
_CELL_OUTPUTS = {"html": ("text/html", "HTML"), "markdown": ("text/markdown", "Markdown"),
                 "latex": ("text/latex", "Latex"), "svg": ("image/svg+xml", "SVG"),
                 "javascript": ("application/javascript", "Javascript"), "js": ("application/javascript", "Javascript")}


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


class ShellOutput(list):
    """`files = !ls`: the command's output lines (stderr included, as in IPython), with IPython's
    shortcuts .s (joined by spaces), .n (by newlines) and .l (the plain list)."""

    @property
    def s(self):
        return " ".join(self)

    @property
    def n(self):
        return "\n".join(self)

    @property
    def l(self):  # noqa: E743  (IPython's name)
        return list(self)


def shell_lines(command):
    """The value of `name = !command`: its output as lines instead of shown in the cell."""
    return ShellOutput(_run_child(command, shell=True, collect=True).splitlines())


def _run_child(args, shell=False, collect=False):
    """Runs a child; returns its exit status, or its output when collect (stderr merged into it)."""
    _kernel()._flush_std()
    # Inside %%capture the child's output goes through sys.stdout/sys.stderr, where the capture is
    # (as IPython's `!cmd` does); otherwise straight to the cell, streaming.
    capture = sys.modules.get("appliance_capture")
    piped = collect or (capture is not None and capture.active > 0)
    pipe = subprocess.PIPE if piped else None
    # Child Pythons (`!python -m scripts.train`) stream their prints instead of block-buffering them.
    process = subprocess.Popen(args, shell=shell, env=dict(os.environ, PYTHONUNBUFFERED="1"), stdout=pipe,
                               stderr=subprocess.STDOUT if collect else pipe)
    try:
        if collect:
            return process.communicate()[0].decode("utf-8", "replace")
        if piped:
            out, err = process.communicate()
            sys.stdout.write(out.decode("utf-8", "replace"))
            sys.stderr.write(err.decode("utf-8", "replace"))
        return process.wait()
    except KeyboardInterrupt:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(2)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        raise


def cell_magic(header, body, ns, filename="<cell>"):
    """Runs a cell that starts with `%%name args`; returns the value to display, if any."""
    name, _, argument = header[2:].strip().partition(" ")
    argument = argument.strip()
    if name == "time":
        return time_statement(body, ns)
    if name == "timeit":
        # IPython's form: `%%timeit [options] [setup statement]`, the cell is what is timed.
        options, setup = _timeit_options(argument)
        return timeit_statement(body, ns, options, setup or "pass")
    elif name == "capture":
        import appliance_capture
        appliance_capture.run(argument, body, ns, filename)
    elif name in _CELL_OUTPUTS:
        mime, kind = _CELL_OUTPUTS[name]
        _kernel().display({mime: body, "text/plain": "<IPython.core.display.%s object>" % kind}, raw=True)
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


_TIMEIT_OPTION = re.compile(r"^\s*-(n|r)\s*(\d+)|^\s*-([qo])(?=\s|$)")
_TIMEIT_USAGE = "%timeit [-n LOOPS] [-r REPEATS] [-q] [-o] STATEMENT"


def _timeit_options(argument):
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


def line_magic(name, argument, ns):
    if name == "time":
        return time_statement(argument, ns)
    elif name == "timeit":
        options, statement = _timeit_options(argument)
        return timeit_statement(statement, ns, options)
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
        backend = argument.strip().split(" ")[0]
        if backend not in ("", "inline"):
            # notebook, widget and ipympl are interactive (widgets); qt, tk need a desktop.
            print("%%matplotlib %s is not available here; figures are shown inline." % backend)
    elif name == "config":
        configure(argument)
    elif name in ("who", "who_ls", "whos", "reset"):
        import appliance_namespace
        return getattr(appliance_namespace, name)(ns, argument)
    elif name == "load":
        load_into_cell(argument)
    elif name == "xmode":
        modes = {"minimal": "Minimal", "plain": "Plain", "context": "Context"}
        mode = modes.get(argument.strip().lower())
        if mode is None:
            raise MagicError("%xmode Minimal|Plain|Context: Minimal shows only the error's last line; the others the whole traceback")
        _kernel()._traceback_mode = mode
        print("Exception reporting mode: %s" % mode)
    elif name == "debug":
        _kernel().debug_last_error()
    elif name == "pdb":
        word = argument.strip().lower()
        if word not in ("", "on", "off", "1", "0"):
            raise MagicError("%pdb [on|off]: open the debugger at the error of every failing cell, or not")
        kernel = _kernel()
        kernel._post_mortem = (not kernel._post_mortem) if not word else word in ("on", "1")
        print("Automatic pdb calling has been turned %s" % ("ON" if kernel._post_mortem else "OFF"))
    elif name == "lsmagic":
        print("Line magics:\n  %s\nCell magics:\n  %s\nAnd !command lines, `name?` help." % ("  ".join(LINE_MAGICS), "  ".join(CELL_MAGICS)))
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


_LOAD_USAGE = "%load [-r LINES] FILE puts the file's text into this cell (run the cell again to execute it); LINES like 5-10, 3, 12- or 1-4,9"


def load_into_cell(argument):
    """%load FILE: the cell's source becomes `# %load FILE` and the file's text, as in IPython (an
    exercise's starting code or its solution); nothing runs until the student runs the cell again."""
    import shlex
    try:
        words = shlex.split(argument)
    except ValueError as error:
        raise MagicError("%s (%s)" % (_LOAD_USAGE, error))
    wanted = None
    if len(words) >= 2 and words[0] == "-r":
        wanted, words = words[1], words[2:]
    if len(words) != 1:
        raise MagicError(_LOAD_USAGE)
    path = words[0]
    if re.match(r"^[a-z]+://", path):
        raise MagicError("%load: this appliance has no internet access; load a file from your workspace")
    if not os.path.isfile(path):
        raise MagicError("%%load: no file %s in %s" % (path, os.getcwd()))
    with open(path, encoding="utf-8", errors="replace") as handle:
        lines = handle.read().split("\n")
    if wanted is not None:
        lines = [line for number, line in enumerate(lines, 1) if _in_ranges(number, wanted)]
    _kernel().emit("set_next_input", {"text": "# %%load %s\n%s" % (argument.strip(), "\n".join(lines).rstrip("\n")), "replace": True})


def _in_ranges(number, wanted):
    for part in wanted.split(","):
        match = re.match(r"^(\d*)(-?)(\d*)$", part.strip())
        if match is None or not (match.group(1) or match.group(3)):
            raise MagicError(_LOAD_USAGE)
        first = int(match.group(1)) if match.group(1) else 1
        last = (int(match.group(3)) if match.group(3) else float("inf")) if match.group(2) else first
        if first <= number <= last:
            return True
    return False


_CONFIG_LINE = re.compile(r"^(\w+)\.(\w+)\s*=\s*(.+)$")
_CONFIG_USAGE = "%config InlineBackend.figure_format = 'png' | 'retina' | 'jpeg' | 'svg'"


def configure(argument):
    """%config: the figure format is the one setting that means something here (as Jupyter's inline
    backend has it); the completer's options are accepted and change nothing (the editor completes)."""
    import ast
    text = argument.strip()
    if not text:
        print("InlineBackend.figure_formats = %r\nCompleter and IPCompleter options are accepted and change nothing here."
              % (list(sys.modules["appliance_display"].figure_formats()),))
        return
    match = _CONFIG_LINE.match(text)
    if match is None:
        raise MagicError("%%config needs Class.option = value: %s" % _CONFIG_USAGE)
    owner, option, value = match.groups()
    if owner in ("Completer", "IPCompleter"):
        return
    if owner != "InlineBackend" or option not in ("figure_format", "figure_formats"):
        raise MagicError("%%config %s.%s is not supported in this appliance; it supports %s" % (owner, option, _CONFIG_USAGE))
    try:
        value = ast.literal_eval(value.strip())
        sys.modules["appliance_display"].set_matplotlib_formats(*([value] if isinstance(value, str) else value))
    except (ValueError, SyntaxError, TypeError) as error:
        raise MagicError("%%config InlineBackend.%s: %s" % (option, error))


def unsupported(magic):
    return "%s is not supported in this appliance; supported magics: %s, and !command lines." % (magic, ", ".join(SUPPORTED_MAGICS))


_SHELL_LINE = re.compile(r"^(\s*)!(.*)$")
_MAGIC_LINE = re.compile(r"^(\s*)%([A-Za-z_]\w*)\s*(.*)$")
# IPython's assignment forms: `files = !ls`, `names = %who_ls`.
_TARGETS = r"[A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*"
_SHELL_ASSIGNMENT = re.compile(r"^(\s*)(%s)\s*=\s*!(.*)$" % _TARGETS)
_MAGIC_ASSIGNMENT = re.compile(r"^(\s*)(%s)\s*=\s*%%([A-Za-z_]\w*)\s*(.*)$" % _TARGETS)


def transform(source):
    """Rewrites `!cmd` and `%magic` lines into calls; returns plain Python."""
    lines = source.split("\n")
    out = []
    for line in lines:
        match = _SHELL_ASSIGNMENT.match(line)
        if match:
            out.append("%s%s = __appliance_kernel__.shell_lines(__appliance_kernel__.expand(%r, globals()))" % match.groups())
            continue
        match = _MAGIC_ASSIGNMENT.match(line)
        if match:
            out.append("%s%s = __appliance_kernel__.line_magic(%r, %r, globals())" % match.groups())
            continue
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
