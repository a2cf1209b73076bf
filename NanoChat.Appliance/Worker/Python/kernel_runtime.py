# The Python half of the worker: runs one cell Jupyter-style in a notebook's own globals dict.
# Embedded in the binary and executed once at worker start (Worker/PythonHost.cs). The C# half
# owns the process, the socket and fd-level output capture; this half owns what a cell *means*:
# the last expression is displayed, tracebacks show the cell's own lines, matplotlib figures are
# shown at the end; `!cmd` lines and magics are rewritten by kernel_magics.py (appliance_magics).
import ast
import builtins
import ctypes
import io
import linecache
import os
import re
import signal
import subprocess
import sys
import threading
import time

# Imported where first needed instead: base64, json, traceback (4, 5 and 3 ms to import here). A cell
# with no display and no error never needs them, so a worker start no longer pays for them.

from appliance_magics import MagicError, cell_magic, expand, help_request, line_magic, shell, shell_lines, transform  # noqa: F401  (used by transformed cells)
# Rich output lives in kernel_display.py; re-exported, as appliance.py, IPython.display and the
# routing of a real IPython take display() and clear_output() from this module.
# The GPU memory cap; its two entry points are called by name from the C# half (PythonHost).
import appliance_gpu
from appliance_gpu import cap_gpu_memory_when_cuda_starts, gpu_bytes  # noqa: F401
from appliance_display import DisplayHandle, clear_output, display, display_value, flush_figures, set_matplotlib_formats, update_display  # noqa: F401

_host = None            # the .NET side: _host.Emit(kind, json_text), set by install()
_namespaces = {}        # namespace name -> globals dict (one per notebook)
_execution_count = 0
_current_id = ""
_current_namespace = ""         # the running cell's notebook namespace (interact remembers where it was made)
_running = threading.Event()    # set while a cell runs: the flusher sleeps otherwise
_post_mortem = False            # %pdb on: a failing cell opens the debugger at its error
_traceback_mode = "Context"     # %xmode: "Minimal" shows only the exception's line


def install(host, gpu_fraction):
    global _host
    _host = host
    appliance_gpu.fraction = gpu_fraction
    os.environ["MPLBACKEND"] = "module://appliance._inline_backend"
    builtins.input = read_line
    _buffer_std_streams()
    threading.Thread(target=_flush_loop, name="appliance-flush", daemon=True).start()


def _buffer_std_streams():
    # The embedded interpreter starts with unbuffered stdio (one write() per print, 5x slower on
    # 100k lines). Buffer both streams; the flusher thread and the flush before every child process
    # keep output prompt and in order.
    for fd, name in ((1, "stdout"), (2, "stderr")):
        stream = io.TextIOWrapper(io.BufferedWriter(io.FileIO(fd, "w", closefd=False), 64 * 1024),
                                  encoding="utf-8", errors="backslashreplace", line_buffering=False)
        setattr(sys, name, stream)
        setattr(sys, "__%s__" % name, stream)
    original_system = os.system

    def system(command):
        _flush_std()
        return original_system(command)
    os.system = system
    original_execute_child = subprocess.Popen._execute_child

    def execute_child(self, *args, **kwargs):
        _flush_std()
        return original_execute_child(self, *args, **kwargs)
    subprocess.Popen._execute_child = execute_child


def _flush_loop():
    # Python's stdout is block-buffered on a pipe; flushing every 20 ms makes prints stream like a
    # terminal without paying one write() per line (100k lines stay fast).
    while True:
        _running.wait()
        time.sleep(0.02)
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except Exception:
            pass


def emit(kind, payload):
    import json
    _flush_std()
    _host.Emit(kind, json.dumps(payload))


def _flush_std():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass


def get_ipython():
    """In a notebook's globals, as IPython has it: the shell that scripts made from notebooks call
    (get_ipython().run_line_magic(...), .system(...)); see kernel_shell.py."""
    import appliance_shell
    return appliance_shell.shell()


def namespace(name):
    ns = _namespaces.get(name)
    if ns is None:
        ns = {"__name__": "__main__", "__builtins__": builtins, "display": display, "get_ipython": get_ipython}
        _namespaces[name] = ns
    return ns


# ---------------------------------------------------------------- input()

_input_box = None       # while input() waits: {"id", "event", "value"}; the reader thread fills it


def read_line(prompt=""):
    """input() in a cell: the notebook page shows a field under the output and sends back one line.

    Waits on the cell's own thread in short slices, so Interrupt (KeyboardInterrupt) still works.
    The prompt and the answer are then printed, so the output (and the stored log) reads as in a
    terminal. Outside a running cell there is nobody to ask: EOFError, as with no stdin.
    """
    return _ask(prompt, password=False)


def read_password(prompt="Password: ", stream=None):
    """getpass.getpass() in a cell: as input(), in a field that hides what is typed; the output shows
    the prompt and dots, never the answer."""
    return _ask(prompt, password=True)


def _ask(prompt, password):
    global _input_box
    if not _running.is_set() or threading.current_thread() is not threading.main_thread():
        raise EOFError("input() can only ask while a cell runs, on its main thread")
    prompt = str(prompt)
    box = {"id": _current_id, "event": threading.Event(), "value": None}
    _input_box = box
    try:
        emit("input_request", {"prompt": prompt, "password": True} if password else {"prompt": prompt})
        while not box["event"].wait(0.1):
            pass
    except KeyboardInterrupt:
        # pdb (breakpoint(), %debug) answers an interrupt with another prompt, so the cell would
        # never stop and the kernel would be killed after the grace period: quit the debugger instead.
        debugger = _waiting_debugger()
        if debugger is None:
            raise
        debugger.set_quit()
        import bdb
        raise bdb.BdbQuit("interrupted")
    finally:
        _input_box = None
    print(prompt + ("········" if password else box["value"]), flush=True)
    return box["value"]


def _waiting_debugger():
    bdb = sys.modules.get("bdb")
    frame = sys._getframe(2)
    while bdb is not None and frame is not None:
        owner = frame.f_locals.get("self")
        if isinstance(owner, bdb.Bdb):
            return owner
        frame = frame.f_back
    return None


def deliver_input(execution_id, value):
    box = _input_box
    if box is None or box["id"] != execution_id:
        raise LookupError("no input() is waiting in execution %s" % execution_id)
    box["value"] = value
    box["event"].set()


# ---------------------------------------------------------------- running a cell

_LAST_VALUE = "__appliance_last_value__"


def _silenced(code):
    """A trailing `;` hides the last value, as in IPython, also before a comment (`f();  # quiet`)."""
    import tokenize
    last = None
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                                  tokenize.DEDENT, tokenize.ENDMARKER):
                last = token.string
    except (tokenize.TokenError, SyntaxError):
        return code.rstrip().endswith(";")
    return last == ";"


def run_source(source, ns, filename, display_last):
    ns["__appliance_kernel__"] = sys.modules[__name__]
    code = transform(source, ns)
    linecache.cache[filename] = (len(source), None, [line + "\n" for line in source.split("\n")], filename)
    tree = ast.parse(code, filename=filename, mode="exec")
    shown = display_last and tree.body and isinstance(tree.body[-1], ast.Expr) and not _silenced(code)
    if shown:
        # The last expression's value is kept by an assignment in the same code object, so the
        # cell is one frame: a debugger's `next` (breakpoint()) goes on to the last line instead of
        # returning into the kernel first.
        last = tree.body[-1]
        tree.body[-1] = ast.copy_location(ast.Assign(targets=[ast.Name(id=_LAST_VALUE, ctx=ast.Store())], value=last.value), last)
        ast.fix_missing_locations(tree)
    exec(compile(tree, filename, "exec"), ns)
    value = ns.pop(_LAST_VALUE, None) if shown else None
    if value is not None:
        ns["_"] = value
    return value


def run_cell(execution_id, namespace_name, source, silent=False):
    """Runs one cell; returns (status, execution_count). Output travels through _host as it happens.
    silent: not a cell of the student's (a control of interact moved): not numbered, and the last
    error stays the one %debug would open."""
    global _execution_count, _current_id, _current_namespace
    if not silent:
        _execution_count += 1
    _current_id = execution_id
    _current_namespace = namespace_name
    ns = namespace(namespace_name)
    # A silent run must not take the last cell's name: linecache would then show its lines instead.
    filename = "<appliance>/silent" if silent else "<cell In[%d]>" % _execution_count
    status = "ok"
    if "%debug" not in source and not silent:
        _forget_last_error()
    signal.signal(signal.SIGINT, signal.default_int_handler)
    _running.set()
    try:
        appliance_gpu.apply_fraction()
        autoreload = sys.modules.get("appliance_autoreload")
        if autoreload is not None and autoreload.enabled:
            autoreload.check()
        stripped = source.lstrip()
        wanted_help = help_request(source)
        if stripped.startswith("%%"):
            header, _, body = stripped.partition("\n")
            value = cell_magic(header, body, ns, filename)
        elif wanted_help is not None:
            before, name = wanted_help
            run_source(before, ns, filename, display_last=False)
            value = None
            print_help(ns, name)
        else:
            value = run_source(source, ns, filename, display_last=True)
        if value is not None:
            display_value(value, output_type="execute_result")
        flush_figures()
    except KeyboardInterrupt:
        status = "interrupted"
        _report(*sys.exc_info())
    except BaseException:
        kind, value, tb = sys.exc_info()
        if kind.__name__ == "BdbQuit" and kind.__module__ == "bdb":
            # `q` in the debugger, or Interrupt at its prompt: the rest of the cell did not run.
            status = "interrupted"
            emit("error", {"ename": "BdbQuit", "evalue": "the debugger was quit, so the rest of the cell did not run",
                           "traceback": ["BdbQuit: the debugger was quit, so the rest of the cell did not run"]})
        else:
            status = "error"
            _report(kind, value, tb)
            if _post_mortem and not isinstance(value, (MagicError, SyntaxError)):
                _debug(tb)
        del tb
    finally:
        _running.clear()
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _clear_pending_interrupt()
        progress = sys.modules.get("appliance_progress")
        if progress is not None:
            progress.flush()  # a progress bar's last value, held back by its update throttle
        _flush_std()
    return status, _execution_count


def _report(kind, value, tb):
    try:
        flush_figures()
    except BaseException:
        pass
    if not isinstance(value, MagicError):
        # For %debug in the next cell, as Python's REPL and IPython keep it.
        sys.last_type, sys.last_value, sys.last_traceback = kind, value, tb
    name, lines = format_error(kind, value, tb)
    emit("error", {"ename": name, "evalue": str(value), "traceback": lines})


def format_error(kind, value, tb):
    """An exception as the cell shows it: (ename, traceback lines without trailing newlines)."""
    name = kind.__name__
    import traceback
    if isinstance(value, MagicError):
        name = value.label
        lines = ["%s: %s" % (name, value)]
    elif isinstance(value, SystemExit):
        # sys.exit() or exit() ends the cell, not the kernel; its frames say nothing (IPython hides them too).
        lines = ["SystemExit" if value.code is None else "SystemExit: %s" % value.code]
    elif _traceback_mode == "Minimal" or (isinstance(value, SyntaxError) and str(value.filename or "").startswith("<cell In[")):
        # The cell itself does not parse: its line and the caret are the whole story, not the
        # compiler's frames (as Jupyter shows it).
        lines = traceback.format_exception_only(kind, value)
    else:
        report = traceback.TracebackException(kind, value, tb)
        _hide_appliance_frames(report)
        lines = list(report.format())
    # nbformat's traceback is a list of lines that front ends join with newlines: no trailing ones.
    return name, [line.rstrip("\n") for line in lines]


def _forget_last_error():
    # The last error's frames hold whatever their locals held, GPU tensors included (in Jupyter
    # that memory stays taken until the next error). Only a %debug right after the error needs
    # them; any other cell lets them go.
    for name in ("last_type", "last_value", "last_traceback", "last_exc"):
        if hasattr(sys, name):
            setattr(sys, name, None)


def debug_last_error():
    """%debug: the debugger at the error of the cell run just before, its prompt in the input field."""
    tb = getattr(sys, "last_traceback", None)
    if tb is None:
        print("No traceback has been produced, nothing to debug.")
        return
    _debug(tb)


def _debug(tb):
    import pdb
    try:
        pdb.post_mortem(tb)
    except Exception as error:
        if type(error).__name__ != "BdbQuit":
            raise


def _hide_appliance_frames(report, seen=None):
    # The student's own frames only, as IPython hides its machinery: not this module running the
    # cell, nor a magic (%time, %%capture, %run) in between. A traceback that is all ours (a bug of
    # the appliance) keeps them, so it can still be read.
    seen = seen if seen is not None else set()
    if report is None or id(report) in seen:
        return
    seen.add(id(report))
    theirs = [frame for frame in report.stack if not frame.filename.startswith("<appliance>/")]
    if theirs:
        report.stack[:] = theirs
    _hide_appliance_frames(report.__cause__, seen)
    _hide_appliance_frames(report.__context__, seen)


def _clear_pending_interrupt():
    # An interrupt that lands just as a cell finishes must not fire in the next one.
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(threading.main_thread().ident), None)


def print_help(ns, name):
    """`name?` in a cell: the same help as Shift+Tab, printed into the output."""
    from appliance_help import inspect_at
    found, text = inspect_at(ns, name, len(name))
    if not found:
        raise NameError("name '%s' is not defined (nothing to show help for)" % name)
    print(text)


def inspect(namespace_name, code, cursor):
    from appliance_help import inspect_at
    return inspect_at(namespace(namespace_name), code, cursor)


def complete(namespace_name, code, cursor):
    import rlcompleter
    text = code[:cursor]
    match = re.search(r"[\w.]*$", text)
    token = match.group(0) if match else ""
    completer = rlcompleter.Completer(namespace(namespace_name))
    matches, kinds, state = [], [], 0
    while state < 200:
        candidate = completer.complete(token, state)
        if candidate is None:
            break
        # rlcompleter adds "(" after a callable (readline's habit); Jupyter's completions are the
        # name alone, so the student's own "(" is not doubled. The kind says it was a callable.
        name = candidate[:-1] if candidate.endswith("(") else candidate
        if name not in matches:
            matches.append(name)
            kinds.append("function" if candidate.endswith("(") else "variable")
        state += 1
    return matches, cursor - len(token), kinds
