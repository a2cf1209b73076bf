# Output kept instead of shown. `%%capture [--no-stdout] [--no-stderr] [--no-display] [VARIABLE]`, as
# in IPython: the cell runs with its prints, displays and figures kept (typically a noisy setup cell,
# `!pip …`); VARIABLE receives a CapturedIO whose show() replays them, and errors are still shown.
# `capturing()` is the same capture as a context manager, in the order things happened, for
# interact's outputs (kernel_widgets.py). Loaded as `appliance_capture` on first use; `!cmd` lines
# read `active`.
import io
import shlex
import sys

USAGE = "%%capture [--no-stdout] [--no-stderr] [--no-display] [VARIABLE]"

# How many captures are running (nested ones count): `!cmd` children then send their output
# through sys.stdout/sys.stderr, where the capture sees it, instead of straight to the cell.
active = 0


class RichOutput:
    """One captured display: its MIME bundle and metadata. display() shows it now."""

    def __init__(self, data, metadata):
        self.data = data
        self.metadata = metadata

    def display(self):
        sys.modules["appliance_display"].display(self.data, raw=True, metadata=self.metadata)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return self.data, self.metadata

    def __repr__(self):
        return "<RichOutput %s>" % ", ".join(self.data)


class _Stream(io.TextIOBase):
    """sys.stdout or sys.stderr while capturing: text goes into the capture's ordered items."""

    encoding = "utf-8"  # what libraries ask before printing (tqdm draws its Unicode bar then)

    def __init__(self, capture, name):
        self._capture, self.name = capture, name

    def writable(self):
        return True

    def write(self, text):
        self._capture._add_text(self.name, str(text))
        return len(text)


class Capture:
    """What a capture kept, in order: ("stdout"|"stderr", text), ("display", RichOutput), ("error", …).
    owner: the widget whose outputs these become (an Output, a button, interact); a widget shown
    inside it is not on the page under its own display id, so its changes must refresh the owner."""

    def __init__(self, stdout=True, stderr=True, display=True, owner=None):
        self._wanted = {"stdout": stdout, "stderr": stderr, "display": display}
        self._owner = owner
        self.items = []

    def _add_text(self, name, text):
        if self.items and self.items[-1][0] == name:
            self.items[-1] = (name, self.items[-1][1] + text)
        elif text:
            self.items.append((name, text))

    def _keep(self, kind, payload):
        if kind == "clear_output":
            self.items.clear()
        else:
            data = payload.get("data", {})
            self.items.append(("display", RichOutput(data, payload.get("metadata", {}))))
            if self._owner is not None:
                sys.modules["appliance_widgets"].contain(data, self._owner)

    def text(self, name):
        return "".join(text for kind, text in self.items if kind == name)

    def displays(self):
        return [output for kind, output in self.items if kind == "display"]

    def error(self, kind, value, tb):
        """Keeps an exception as an error output, formatted as the cell's own errors are."""
        name, lines = sys.modules["appliance_kernel"].format_error(kind, value, tb)
        self.items.append(("error", {"ename": name, "evalue": str(value), "traceback": lines}))

    def notebook_outputs(self):
        """The kept items as nbformat outputs (stream, display_data, error)."""
        outputs = []
        for kind, item in self.items:
            if kind in ("stdout", "stderr"):
                outputs.append({"output_type": "stream", "name": kind, "text": item})
            elif kind == "display":
                outputs.append({"output_type": "display_data", "data": item.data, "metadata": item.metadata})
            else:
                outputs.append(dict(item, output_type="error"))
        return outputs

    def __enter__(self):
        global active
        display_module = sys.modules["appliance_display"]
        sys.modules["appliance_kernel"]._flush_std()
        self._saved = sys.stdout, sys.stderr, display_module._capture_sink
        active += 1
        if self._wanted["stdout"]:
            sys.stdout = _Stream(self, "stdout")
        if self._wanted["stderr"]:
            sys.stderr = _Stream(self, "stderr")
        if self._wanted["display"]:
            display_module._capture_sink = self._keep
        return self

    def __exit__(self, *exc):
        global active
        active -= 1
        sys.stdout, sys.stderr, sys.modules["appliance_display"]._capture_sink = self._saved
        return False


def capturing(stdout=True, stderr=True, display=True, owner=None):
    return Capture(stdout, stderr, display, owner)


class CapturedIO:
    """What a %%capture cell kept: .stdout, .stderr (text) and .outputs (RichOutput); show() or
    calling it replays them all in the cell that asks."""

    def __init__(self, capture):
        self._capture = capture

    @property
    def stdout(self):
        return self._capture.text("stdout")

    @property
    def stderr(self):
        return self._capture.text("stderr")

    @property
    def outputs(self):
        return self._capture.displays()

    def show(self):
        sys.stdout.write(self.stdout)
        sys.stderr.write(self.stderr)
        for output in self.outputs:
            output.display()

    __call__ = show

    def __repr__(self):
        return "<CapturedIO: %d characters of stdout, %d of stderr, %d outputs>" % (len(self.stdout), len(self.stderr), len(self.outputs))


def run(argument, body, ns, filename):
    from appliance_magics import MagicError
    try:
        words = shlex.split(argument)
    except ValueError as error:
        raise MagicError("%s (%s)" % (USAGE, error))
    options = {word for word in words if word.startswith("-")}
    names = [word for word in words if not word.startswith("-")]
    if options - {"--no-stdout", "--no-stderr", "--no-display"} or len(names) > 1 or (names and not names[0].isidentifier()):
        raise MagicError(USAGE)
    kernel = sys.modules["appliance_kernel"]
    display_module = sys.modules["appliance_display"]
    capture = Capture("--no-stdout" not in options, "--no-stderr" not in options, "--no-display" not in options)
    try:
        with capture:
            value = kernel.run_source(body, ns, filename, display_last=True)
            if value is not None:
                display_module.display_value(value, output_type="execute_result")
            display_module.flush_figures()
    finally:
        if names:
            ns[names[0]] = CapturedIO(capture)
