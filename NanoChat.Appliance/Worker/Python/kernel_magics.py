# Jupyter-style extras of a cell, for the worker's Python runtime (kernel_runtime.py, module
# appliance_kernel): `!command` lines through the shell, %time/%timeit, the cell magics tutorials
# use (%%writefile, %%bash, %%capture, %%html), `name?` help, %config for figures, %who/%reset and a
# few harmless magics; every other magic is refused with one clear sentence. Embedded in the binary,
# loaded at worker start. What the magics do lives in modules loaded on first use: %time/%timeit
# (kernel_timing.py), %%writefile/%run/%load (kernel_file_magics.py), %%capture (kernel_capture.py),
# %who/%whos/%reset (kernel_namespace.py).
import os
import re
import signal
import subprocess
import sys

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
        import appliance_timing
        return appliance_timing.time_statement(body, ns)
    if name == "timeit":
        # IPython's form: `%%timeit [options] [setup statement]`, the cell is what is timed.
        import appliance_timing
        options, setup = appliance_timing.timeit_options(argument)
        return appliance_timing.timeit_statement(body, ns, options, setup or "pass")
    elif name == "capture":
        import appliance_capture
        appliance_capture.run(argument, body, ns, filename)
    elif name in _CELL_OUTPUTS:
        mime, kind = _CELL_OUTPUTS[name]
        _kernel().display({mime: body, "text/plain": "<IPython.core.display.%s object>" % kind}, raw=True)
    elif name == "writefile":
        import appliance_file_magics
        appliance_file_magics.write_file(argument, body)
    elif name in ("bash", "sh"):
        status = _run_child(["/bin/" + name, "-c", body])
        if status != 0:
            raise ScriptError("the %s script exited with status %d" % (name, status))
    else:
        raise MagicError(unsupported("%%" + name))
    return None


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


def line_magic(name, argument, ns):
    if name in ("time", "timeit"):
        import appliance_timing
        if name == "time":
            return appliance_timing.time_statement(argument, ns)
        options, statement = appliance_timing.timeit_options(argument)
        return appliance_timing.timeit_statement(statement, ns, options)
    elif name == "run":
        import appliance_file_magics
        appliance_file_magics.run_script(argument, ns)
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
        import appliance_file_magics
        appliance_file_magics.load_into_cell(argument)
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


# IPython's automagic: in a one-line cell, a magic's name or a shell alias without `%` or `!`
# (`ls data`, `pwd`, `cd ..`, `cat notes.txt`) runs it, unless the name is one of the notebook's
# variables or a builtin. IPython applies it to single-line cells only, and so does this.
_AUTOMAGICS = {magic[1:].split(" ")[0] for magic in LINE_MAGICS}
# IPython's default aliases on Linux (the ones that need a terminal, like less and man, are left out).
_ALIASES = {"ls": "ls -F --color", "ll": "ls -F -o --color", "cat": "cat", "mkdir": "mkdir", "rmdir": "rmdir",
            "mv": "mv", "rm": "rm", "cp": "cp"}
_AUTOMAGIC_LINE = re.compile(r"^(\s*)([A-Za-z_]\w*)(?:\s+(.*?))?\s*$")
# What makes the line Python after all: an assignment to that name (`ls = 3`, `cd, x = …`, `rm += 1`).
_PYTHON_REST = re.compile(r"^(=(?!=)|,|(\*\*|//|>>|<<|[-+*/%&|^@])=)")


_ESCAPE_AT_LINE_START = re.compile(r"^[ \t]*[!%]", re.M)


def _continuation_lines(source):
    """Line numbers that go on inside a string or brackets opened above them: a `%` or `!` at their
    start is Python (`\"\"\"<tr>\n%s\n</tr>\"\"\" % row`, `(a\n % b)`), not a magic or a shell line."""
    import io
    import tokenize
    protected, depth, line = set(), 0, 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.start[0] != line:
                line = token.start[0]
                if depth > 0:
                    protected.add(line)
            if token.type == tokenize.STRING and token.end[0] > token.start[0]:
                protected.update(range(token.start[0] + 1, token.end[0] + 1))
            elif token.type == tokenize.OP and token.string in "([{":
                depth += 1
            elif token.type == tokenize.OP and token.string in ")]}":
                depth = max(0, depth - 1)
    except (tokenize.TokenError, SyntaxError):
        pass  # an unfinished string or bracket at the end: what was read so far still counts
    return protected


def _automagic(line, ns):
    match = _AUTOMAGIC_LINE.match(line)
    if not match:
        return None
    indent, name, rest = match.group(1), match.group(2), match.group(3) or ""
    if name not in _AUTOMAGICS and name not in _ALIASES or _PYTHON_REST.match(rest):
        return None
    import builtins
    if name in ns or hasattr(builtins, name):
        return None
    if name in _ALIASES:
        command = (_ALIASES[name] + " " + rest).rstrip()
        return "%s(__appliance_kernel__.shell(__appliance_kernel__.expand(%r, globals())), None)[1]" % (indent, command)
    return "%s__appliance_kernel__.line_magic(%r, %r, globals())" % (indent, name, rest)


def transform(source, ns=None):
    """Rewrites `!cmd` and `%magic` lines into calls (and, given the notebook's globals, a one-line
    cell's automagic); returns plain Python."""
    lines = source.split("\n")
    if ns is not None and len(source.strip("\n").split("\n")) == 1:
        rewritten = _automagic(source.strip("\n"), ns)
        if rewritten is not None:
            return rewritten
    protected = _continuation_lines(source) if _ESCAPE_AT_LINE_START.search(source) else ()
    out = []
    for number, line in enumerate(lines, start=1):
        if number in protected:
            out.append(line)
            continue
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
