# %%capture [--no-stdout] [--no-stderr] [--no-display] [VARIABLE], as in IPython: the cell runs with
# its prints, displays and figures kept instead of shown (typically a noisy setup cell, `!pip …`);
# VARIABLE receives a CapturedIO whose show() replays them. Errors are still shown, as in Jupyter.
# Loaded as `appliance_capture` on first use (kernel_magics.py); `!cmd` lines read `active`.
import io
import shlex
import sys

USAGE = "%%capture [--no-stdout] [--no-stderr] [--no-display] [VARIABLE]"

# How many %%capture cells are running (nested ones count): `!cmd` children then send their output
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


class CapturedIO:
    """What a %%capture cell kept: .stdout, .stderr (text) and .outputs (RichOutput); show() or
    calling it replays them all in the cell that asks."""

    def __init__(self, stdout, stderr, outputs):
        self._stdout = stdout
        self._stderr = stderr
        self.outputs = outputs

    @property
    def stdout(self):
        return self._stdout.getvalue() if self._stdout is not None else ""

    @property
    def stderr(self):
        return self._stderr.getvalue() if self._stderr is not None else ""

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
    stdout = None if "--no-stdout" in options else io.StringIO()
    stderr = None if "--no-stderr" in options else io.StringIO()
    outputs = []

    def keep(kind, payload):
        if kind == "clear_output":
            outputs.clear()
        else:
            outputs.append(RichOutput(payload.get("data", {}), payload.get("metadata", {})))

    global active
    kernel._flush_std()
    saved = sys.stdout, sys.stderr, display_module._capture_sink
    active += 1
    try:
        sys.stdout = stdout or sys.stdout
        sys.stderr = stderr or sys.stderr
        if "--no-display" not in options:
            display_module._capture_sink = keep
        value = kernel.run_source(body, ns, filename, display_last=True)
        if value is not None:
            display_module.display_value(value, output_type="execute_result")
        display_module.flush_figures()
    finally:
        active -= 1
        sys.stdout, sys.stderr, display_module._capture_sink = saved
        if names:
            ns[names[0]] = CapturedIO(stdout, stderr, outputs)
