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

from appliance_magics import MagicError, cell_magic, expand, help_request, line_magic, shell, transform  # noqa: F401  (used by transformed cells)

_host = None            # the .NET side: _host.Emit(kind, json_text), set by install()
_namespaces = {}        # namespace name -> globals dict (one per notebook)
_execution_count = 0
_current_id = ""
_gpu_fraction = None
_gpu_fraction_done = False
_running = threading.Event()    # set while a cell runs: the flusher sleeps otherwise


def install(host, gpu_fraction):
    global _host, _gpu_fraction
    _host = host
    _gpu_fraction = gpu_fraction
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


def namespace(name):
    ns = _namespaces.get(name)
    if ns is None:
        ns = {"__name__": "__main__", "__builtins__": builtins, "display": display}
        _namespaces[name] = ns
    return ns


# ---------------------------------------------------------------- rich output

def mime_bundle(value):
    """The value's Jupyter MIME bundle and display metadata (e.g. an image's width): (data, metadata)."""
    data, metadata = {}, {}
    method = getattr(value, "_repr_mimebundle_", None)
    if callable(method):
        try:
            bundle = method()
            if isinstance(bundle, tuple):
                bundle, extra = bundle[0], bundle[1] if len(bundle) > 1 else None
                if isinstance(extra, dict):
                    metadata.update(extra)
            if isinstance(bundle, dict):
                data.update(bundle)
        except Exception:
            pass
    for mime, name in (("text/html", "_repr_html_"), ("text/markdown", "_repr_markdown_"),
                       ("image/svg+xml", "_repr_svg_"), ("image/png", "_repr_png_"),
                       ("image/jpeg", "_repr_jpeg_"), ("text/latex", "_repr_latex_"),
                       ("application/json", "_repr_json_")):
        if mime in data:
            continue
        method = getattr(value, name, None)
        if not callable(method):
            continue
        try:
            result = method()
        except Exception:
            continue
        if isinstance(result, tuple):
            result = result[0]
        if result is None:
            continue
        if isinstance(result, bytes):
            import base64
            result = base64.b64encode(result).decode("ascii")
        data[mime] = result
    figure = _matplotlib_figure_png(value)
    if figure is not None:
        data["image/png"] = figure
    if "text/plain" not in data:
        data["text/plain"] = repr(value)
    return data, metadata


def _matplotlib_figure_png(value):
    module = sys.modules.get("matplotlib.figure")
    if module is None or not isinstance(value, module.Figure):
        return None
    import base64
    buffer = io.BytesIO()
    value.savefig(buffer, format="png", bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def display(*objs, include=None, exclude=None, metadata=None, raw=False, clear=False, display_id=None, **kwargs):
    """Shows each object in the cell's output in its richest form, like IPython's display().

    raw=True: each object is already a MIME bundle (dict). include/exclude: MIME types to keep or
    drop. clear=True: clear the output first (as clear_output(wait=True)).
    """
    if display_id is not None:
        # Updating an output in place needs Jupyter's update_display_data, which the appliance does
        # not have; failing loudly beats a second copy the notebook did not expect.
        raise NotImplementedError("display(display_id=...) (updating an output in place) is not supported in "
                                  "this appliance: call clear_output(wait=True) and display the new value instead")
    if clear:
        clear_output(wait=True)
    for value in objs:
        display_value(value, raw=raw, include=include, exclude=exclude, metadata=metadata)


def display_value(value, raw=False, output_type="display_data", include=None, exclude=None, metadata=None):
    data, found = (dict(value), {}) if raw and isinstance(value, dict) else mime_bundle(value)
    if include:
        data = {mime: content for mime, content in data.items() if mime in include}
    if exclude:
        data = {mime: content for mime, content in data.items() if mime not in exclude}
    emit("display", {"outputType": output_type, "data": data, "metadata": {**found, **(metadata or {})}})


def clear_output(wait=False):
    """Clears the cell's output so far; with wait=True only when the next output arrives (no flicker).

    The pattern for a live plot or progress line: in a loop, clear_output(wait=True), then print or
    plt.show() the new state.
    """
    emit("clear_output", {"wait": bool(wait)})


# ---------------------------------------------------------------- input()

_input_box = None       # while input() waits: {"id", "event", "value"}; the reader thread fills it


def read_line(prompt=""):
    """input() in a cell: the notebook page shows a field under the output and sends back one line.

    Waits on the cell's own thread in short slices, so Interrupt (KeyboardInterrupt) still works.
    The prompt and the answer are then printed, so the output (and the stored log) reads as in a
    terminal. Outside a running cell there is nobody to ask: EOFError, as with no stdin.
    """
    global _input_box
    if not _running.is_set() or threading.current_thread() is not threading.main_thread():
        raise EOFError("input() can only ask while a cell runs, on its main thread")
    prompt = str(prompt)
    box = {"id": _current_id, "event": threading.Event(), "value": None}
    _input_box = box
    try:
        emit("input_request", {"prompt": prompt})
        while not box["event"].wait(0.1):
            pass
    finally:
        _input_box = None
    print(prompt + box["value"], flush=True)
    return box["value"]


def deliver_input(execution_id, value):
    box = _input_box
    if box is None or box["id"] != execution_id:
        raise LookupError("no input() is waiting in execution %s" % execution_id)
    box["value"] = value
    box["event"].set()


def flush_figures():
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:
        return
    import base64
    for number in pyplot.get_fignums():
        figure = pyplot.figure(number)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", bbox_inches="tight")
        width, height = figure.get_size_inches() * figure.dpi
        emit("display", {"outputType": "display_data", "metadata": {},
                         "data": {"image/png": base64.b64encode(buffer.getvalue()).decode("ascii"),
                                  "text/plain": "<Figure size %dx%d with %d Axes>" % (width, height, len(figure.axes))}})
    pyplot.close("all")


# ---------------------------------------------------------------- running a cell

def run_source(source, ns, filename, display_last):
    ns["__appliance_kernel__"] = sys.modules[__name__]
    code = transform(source)
    linecache.cache[filename] = (len(source), None, [line + "\n" for line in source.split("\n")], filename)
    tree = ast.parse(code, filename=filename, mode="exec")
    last = None
    if display_last and tree.body and isinstance(tree.body[-1], ast.Expr) and not source.rstrip().endswith(";"):
        last = ast.Expression(tree.body.pop().value)
    exec(compile(tree, filename, "exec"), ns)
    if last is not None:
        value = eval(compile(last, filename, "eval"), ns)
        if value is not None:
            ns["_"] = value
            return value
    return None


def run_cell(execution_id, namespace_name, source):
    """Runs one cell; returns (status, execution_count). Output travels through _host as it happens."""
    global _execution_count, _current_id
    _execution_count += 1
    _current_id = execution_id
    ns = namespace(namespace_name)
    filename = "<cell In[%d]>" % _execution_count
    status = "ok"
    signal.signal(signal.SIGINT, signal.default_int_handler)
    _running.set()
    try:
        _apply_gpu_fraction()
        autoreload = sys.modules.get("appliance_autoreload")
        if autoreload is not None and autoreload.enabled:
            autoreload.check()
        stripped = source.lstrip()
        wanted_help = help_request(source)
        if stripped.startswith("%%"):
            header, _, body = stripped.partition("\n")
            value = cell_magic(header, body, ns)
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
        status = "error"
        _report(*sys.exc_info())
    finally:
        _running.clear()
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _clear_pending_interrupt()
        _flush_std()
    return status, _execution_count


def _report(kind, value, tb):
    try:
        flush_figures()
    except BaseException:
        pass
    name = kind.__name__
    import traceback
    if isinstance(value, MagicError):
        name = value.label
        lines = ["%s: %s" % (name, value)]
    elif isinstance(value, SyntaxError) and str(value.filename or "").startswith("<cell In["):
        # The cell itself does not parse: its line and the caret are the whole story, not the
        # compiler's frames (as Jupyter shows it).
        lines = traceback.format_exception_only(kind, value)
    else:
        # Skip this module's own frames: the student sees their cell first.
        while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
            tb = tb.tb_next
        lines = traceback.format_exception(kind, value, tb)
    # nbformat's traceback is a list of lines that front ends join with newlines: no trailing ones.
    emit("error", {"ename": name, "evalue": str(value), "traceback": [line.rstrip("\n") for line in lines]})


def _clear_pending_interrupt():
    # An interrupt that lands just as a cell finishes must not fire in the next one.
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(threading.main_thread().ident), None)


def _apply_gpu_fraction():
    global _gpu_fraction_done
    torch = sys.modules.get("torch")
    if _gpu_fraction_done or not _gpu_fraction or torch is None:
        return
    if torch.cuda.is_available():
        for device in range(torch.cuda.device_count()):
            torch.cuda.set_per_process_memory_fraction(_gpu_fraction, device)
    _gpu_fraction_done = True


def gpu_bytes():
    torch = sys.modules.get("torch")
    try:
        if torch is not None and torch.cuda.is_initialized():
            return int(sum(torch.cuda.memory_reserved(d) for d in range(torch.cuda.device_count())))
    except Exception:
        pass
    return 0


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
    matches, state = [], 0
    while state < 200:
        candidate = completer.complete(token, state)
        if candidate is None:
            break
        matches.append(candidate)
        state += 1
    return matches, cursor - len(token)
