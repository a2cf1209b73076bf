# The ipywidgets beyond interact that notebooks build small apps from: Button with on_click, Output
# (`with out:` sends prints, displays and figures into it, live), and VBox/HBox to lay several out
# in one output, in a column or a row. Loaded as `appliance_widget_extras`; the ipywidgets stand-in
# re-exports it. A button press travels as a control's change does (kernel_widgets.py): POST
# /api/widgets/{id}, a silent run here.
import time
import uuid

from appliance_capture import Capture
from appliance_widgets import WIDGET_MIME, Shown, _display, register

_LIVE_UPDATE_SECONDS = 0.5  # how often an Output shows what a long `with out:` block has printed so far
# Printed text an Output keeps (the newest): each update resends all of it, so a training loop that
# prints into one for an hour must not grow the update, and the cell's log, without end.
_KEPT_CHARS = 20_000
_TRIMMED = {"output_type": "stream", "name": "stderr", "text": "[earlier output of this Output is not kept]\n"}


class Button(Shown):
    """A button; on_click(handler) calls handler(button) at each press."""

    def __init__(self, description="", tooltip="", **kwargs):
        self.description = description
        self.tooltip = tooltip
        self._handlers = []
        self._presses = 0

    def on_click(self, handler, remove=False):
        if remove:
            self._handlers = [h for h in self._handlers if h != handler]  # == : bound methods are new objects each time
        else:
            self._handlers.append(handler)

    def click(self):
        """Presses the button from code, as ipywidgets allows."""
        self.run_handlers(list(self._handlers), self)
        self.update()

    def controls(self):
        return [{"name": "presses", "kind": "button", "description": self.description, "tooltip": self.tooltip, "value": self._presses}]

    def receive(self, values):
        presses = values.get("presses")
        if set(values) != {"presses"} or isinstance(presses, bool) or not isinstance(presses, int):
            raise ValueError("A Button takes only presses, a count")
        self._presses = presses
        self.click()

    def __repr__(self):
        return "Button(description=%r)" % self.description


class _LiveCapture(Capture):
    """Output's capture: shows its owner's content so far every _LIVE_UPDATE_SECONDS while it runs."""

    def __init__(self, owner):
        super().__init__(owner=owner)
        self._shown_at, self.cleared, self.trimmed, self._chars = time.monotonic(), False, False, 0

    def _add_text(self, name, text):
        super()._add_text(name, text)
        self._chars += len(text)
        if self._chars > 2 * _KEPT_CHARS:
            self._drop_oldest_text()
        if text.endswith("\n"):  # whole lines only: print() writes its pieces one by one
            self._changed()

    def _drop_oldest_text(self):
        excess, items = self._chars - _KEPT_CHARS, []
        for kind, item in self.items:
            if excess > 0 and kind in ("stdout", "stderr"):
                cut = min(excess, len(item))
                excess, self._chars = excess - cut, self._chars - cut
                if cut == len(item):
                    continue
                item = item[cut:]
            items.append((kind, item))
        self.items, self.trimmed = items, True

    def _keep(self, kind, payload):
        if kind == "clear_output":
            self.cleared = True
        super()._keep(kind, payload)
        self._changed()

    def _changed(self):
        if time.monotonic() - self._shown_at >= _LIVE_UPDATE_SECONDS:
            self._shown_at = time.monotonic()
            self._owner._show_with(self)


class Output(Shown):
    """Where `with out:` puts what the block prints, displays or draws; shown where display(out) was
    called, and kept there across cells and button presses. An error in the block shows in it too,
    and the block's cell goes on, as in ipywidgets."""

    def __init__(self, **kwargs):
        self.outputs = []
        self._captures = []
        self._trimmed = False

    def bundle(self):
        self.outputs, trimmed = _kept(self.outputs)
        self._trimmed = self._trimmed or trimmed
        bundle = super().bundle()
        if self._trimmed:
            bundle[WIDGET_MIME]["outputs"].insert(0, _TRIMMED)
        return bundle

    def __enter__(self):
        capture = _LiveCapture(self)
        self._captures.append(capture)
        capture.__enter__()
        return self

    def __exit__(self, kind, value, tb):
        capture = self._captures.pop()
        capture.__exit__(kind, value, tb)
        if kind is not None and issubclass(kind, Exception):
            capture.error(kind, value, tb)
        # Figures drawn without plt.show() still show at the end of the cell, as in Jupyter.
        self.outputs = self._merged(capture)
        self.update()
        return kind is not None and issubclass(kind, Exception)

    def _merged(self, capture):
        if capture.cleared:
            self._trimmed = False
        earlier = [] if capture.cleared else self.outputs
        if capture.trimmed:  # what the block dropped was newer than any earlier text
            self._trimmed = True
            earlier = [output for output in earlier if output["output_type"] != "stream"]
        return _joined(earlier + capture.notebook_outputs())

    def _show_with(self, capture):
        saved, self.outputs = self.outputs, self._merged(capture)
        try:
            super().update()
        finally:
            self.outputs = saved

    def update(self):
        # Inside `with out:` what the block has sent so far is part of it (a progress bar shown
        # in the block refreshes the Output while the block still runs).
        if self._captures:
            self._show_with(self._captures[-1])
        else:
            super().update()

    def clear_output(self, wait=False):
        self.outputs, self._trimmed = [], False
        self.update()

    def append_stdout(self, text):
        self.outputs = _joined(self.outputs + [{"output_type": "stream", "name": "stdout", "text": str(text)}])
        self.update()

    def append_stderr(self, text):
        self.outputs = _joined(self.outputs + [{"output_type": "stream", "name": "stderr", "text": str(text)}])
        self.update()

    def append_display_data(self, value):
        data, metadata = _display().mime_bundle(value)
        self.outputs = self.outputs + [{"output_type": "display_data", "data": data, "metadata": metadata}]
        self.update()

    def receive(self, values):
        raise ValueError("An Output has no controls")

    def __repr__(self):
        return "Output(%d outputs)" % len(self.outputs)


def _joined(outputs):
    """Consecutive prints to one stream as one output, as a notebook stores them."""
    joined = []
    for output in outputs:
        previous = joined[-1] if joined else None
        if previous and output["output_type"] == previous["output_type"] == "stream" and output["name"] == previous["name"]:
            joined[-1] = dict(previous, text=previous["text"] + output["text"])
        else:
            joined.append(output)
    return joined


def _kept(outputs):
    """(outputs, trimmed): the oldest printed text dropped until at most _KEPT_CHARS remain."""
    excess = sum(len(output["text"]) for output in outputs if output["output_type"] == "stream") - _KEPT_CHARS
    if excess <= 0:
        return outputs, False
    kept = []
    for output in outputs:
        if excess > 0 and output["output_type"] == "stream":
            cut = min(excess, len(output["text"]))
            excess -= cut
            if cut == len(output["text"]):
                continue
            text = output["text"][cut:]
            output = dict(output, text=text[text.find("\n") + 1:] if "\n" in text[:-1] else text)  # from a line's start
        kept.append(output)
    return kept, True


class Box(Shown):
    """VBox([...]) shows its children one under the other, HBox([...]) side by side (wrapping where
    the page is narrow), in one output. A widget child keeps its controls and its own changes (the
    page sends them under the child's id; the box is shown anew with the child's new state); any
    other child shows as display() would show it. Boxes nest."""

    direction = "column"

    def __init__(self, children=(), layout=None, **kwargs):
        self.children = tuple(children)
        self.layout = layout if layout is not None else Layout()

    def bundle(self):
        spec = {"id": self.id, "manual": False, "controls": [], "outputs": [], "box": self.direction,
                "children": [self._child_spec(child) for child in self.children]}
        return {WIDGET_MIME: spec, "text/plain": repr(self)}

    def _child_spec(self, child):
        if hasattr(child, "bundle") and hasattr(child, "receive"):
            if child.id is None:
                child.id = uuid.uuid4().hex
            register(child)  # the page may send its changes
            boxes = child.__dict__.setdefault("boxes", [])
            if self not in boxes:
                boxes.append(self)
            return child.bundle()[WIDGET_MIME]
        data, metadata = _display().mime_bundle(child)
        return {"id": None, "manual": False, "controls": [], "outputs": [{"output_type": "display_data", "data": data, "metadata": metadata}]}

    def receive(self, values):
        raise ValueError("A %s has no controls of its own" % type(self).__name__)

    def __repr__(self):
        return "%s(children=%r)" % (type(self).__name__, list(self.children))


class VBox(Box):
    pass


class HBox(Box):
    direction = "row"


class Layout:
    """Accepted and ignored: the page sizes widgets itself."""

    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)

