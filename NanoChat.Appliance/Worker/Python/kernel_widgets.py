# ipywidgets' controls in the appliance (sliders, dropdowns, checkboxes, text boxes), which
# interact (kernel_interact.py) puts above f's output: moving one runs f again in the kernel and
# replaces that output in place, as in Jupyter. Loaded as `appliance_widgets`; the `ipywidgets`
# stand-in (ipywidgets_package.py) re-exports it. The real ipywidgets needs Jupyter's comm channel, which the
# appliance does not have, so the stand-in always wins.
#
# How it travels: the cell displays one output of type WIDGET_MIME (controls, their values, and f's
# outputs as nbformat outputs) with a display id. The page sends a change to POST /api/widgets/{id},
# which runs `changed(id, namespace, values)` here, queued with the student's cells but not numbered;
# that call updates the display, and the page replaces it in place (and saves it).
import collections
import sys
import uuid

WIDGET_MIME = "application/vnd.nanochat.widget+json"
_KEEP = 200     # widgets the kernel remembers; an older control asks for its cell to be run again
_live = collections.OrderedDict()   # id -> Interaction or widget shown on its own, each with receive(values)


def _display():
    return sys.modules["appliance_display"]


def register(widget):
    """Remembers a widget the page may send changes to (POST /api/widgets/{id}), with its notebook."""
    widget.namespace = sys.modules["appliance_kernel"]._current_namespace
    _live[widget.id] = widget
    _live.move_to_end(widget.id)
    while len(_live) > _KEEP:
        _live.popitem(last=False)


def refresh(widget):
    """Sends a widget's new state to the page, straight past any capture (an Output inside `with
    out:` would otherwise keep its own updates): under its own display id where it was shown on its
    own, and through every box (VBox/HBox) that shows it."""
    if getattr(widget, "alone", True):
        sys.modules["appliance_kernel"].emit("update_display", {"outputType": "display_data", "data": widget.bundle(), "metadata": {}, "displayId": widget.id})
    for box in list(getattr(widget, "boxes", ())):
        box.update()


def contain(data, container):
    """A display went into container's outputs: when it is a widget, the widget's changes refresh
    the container from now on (the page has it only there)."""
    spec = data.get(WIDGET_MIME) if isinstance(data, dict) else None
    widget = _live.get(spec.get("id")) if isinstance(spec, dict) else None
    if widget is not None and widget is not container:
        boxes = widget.__dict__.setdefault("boxes", [])
        if container not in boxes:
            boxes.append(container)


def _refresh_running(widget):
    """refresh(), and while the widget's own code runs (a click handler, an observer, interact's
    function), with what that code has shown so far: a progress bar it displayed moves live."""
    running = getattr(widget, "running", None)
    if running is None:
        refresh(widget)
        return
    saved, widget.outputs = widget.outputs, running.notebook_outputs()
    try:
        refresh(widget)
    finally:
        widget.outputs = saved


_bundling = set()  # ids of widgets being serialised: a widget shown inside itself must not recurse


def outputs_now(widget):
    """widget.outputs with each widget among them as it is now, not as it was when displayed."""
    _bundling.add(widget.id)
    try:
        return _current(widget.outputs)
    finally:
        _bundling.discard(widget.id)


def _current(outputs):
    result = []
    for output in outputs:
        spec = output.get("data", {}).get(WIDGET_MIME) if output.get("output_type") == "display_data" else None
        widget = _live.get(spec.get("id")) if isinstance(spec, dict) else None
        if widget is None or widget.id in _bundling:
            result.append(output)
            continue
        _bundling.add(widget.id)
        try:
            result.append(dict(output, data=widget.bundle()))
        finally:
            _bundling.discard(widget.id)
    return result


class Shown:
    """A widget displayed on its own (display(w), or a cell's last value): one output of WIDGET_MIME
    under its own display id, which update() replaces wherever the notebook shows it."""

    id = None
    outputs = ()
    alone = False  # shown under its own display id (not only inside a box)
    running = None  # while its own code runs (run_handlers): the capture of what that code shows

    def controls(self):
        return []

    def bundle(self):
        return {WIDGET_MIME: {"id": self.id, "manual": False, "controls": self.controls(), "outputs": outputs_now(self)},
                "text/plain": repr(self)}

    def _ipython_display_(self):
        if self.id is None:
            self.id = uuid.uuid4().hex
        register(self)
        self.alone = True
        _display().display(self.bundle(), raw=True, display_id=self.id)

    def update(self):
        """Replaces the shown widget wherever the notebook shows it."""
        if self.id is not None:
            _refresh_running(self)

    def run_handlers(self, handlers, *arguments):
        """Calls the handlers; what they print or show (outside an Output) goes under the widget."""
        from appliance_capture import capturing
        with capturing(owner=self) as captured:
            self.running = captured
            try:
                for handler in handlers:
                    try:
                        handler(*arguments)
                    except Exception:
                        captured.error(*sys.exc_info())
                _display().flush_figures()
            finally:
                self.running = None
        self.outputs = captured.notebook_outputs()


class ValueWidget(Shown):
    """A control with a value; `description` is its label (the argument's name if empty). Shown on
    its own, a change calls the observers given to observe() with ipywidgets' change dict."""

    kind = ""

    def __init__(self, value=None, description="", **kwargs):
        self._value = value
        self.description = description
        self._observers = []

    @property
    def value(self):
        return self._value

    @value.setter
    def value(self, new):
        old, self._value = self._value, new
        if self._observers and new != old:
            change = {"name": "value", "old": old, "new": new, "owner": self, "type": "change"}
            self.run_handlers([handler for handler, names in self._observers if "value" in names], change)
        self.update()

    def observe(self, handler, names=None, type="change"):  # noqa: A002  (ipywidgets' name)
        """handler(change) after each change of the value (`change["new"]`, `change["old"]`)."""
        wanted = ("value",) if names is None else (names,) if isinstance(names, str) else tuple(names)
        self._observers.append((handler, wanted))

    def unobserve(self, handler, names=None, type="change"):  # noqa: A002
        # ==, not `is`: each `obj.method` is a new bound method, equal to the one given to observe().
        self._observers = [(h, n) for h, n in self._observers if h != handler]

    def spec(self, name):
        return {"name": name, "kind": self.kind, "description": self.description or name, "value": self.value}

    def controls(self):
        return [dict(self.spec("value"), description=self.description)]

    def receive(self, values):
        if set(values) != {"value"}:
            raise ValueError("A %s has one value" % type(self).__name__)
        self.value = self.coerce(values["value"])

    def coerce(self, raw):
        return raw

    def __repr__(self):
        return "%s(value=%r, description=%r)" % (type(self).__name__, self.value, self.description)


class _Slider(ValueWidget):
    kind = "slider"
    number = float

    def __init__(self, value=None, min=0, max=100, step=1, description="", **kwargs):
        if min > max:
            raise ValueError("%s: min %r is above max %r" % (type(self).__name__, min, max))
        self.min, self.max, self.step = self.number(min), self.number(max), self.number(step)
        super().__init__(self.clamp(self.min if value is None else value), description)

    def clamp(self, value):
        return self.number(sorted((self.min, self.number(value), self.max))[1])

    # Set from code too, the value stays within the slider's range, as in ipywidgets.
    value = property(ValueWidget.value.fget, lambda self, new: ValueWidget.value.fset(self, self.clamp(new)))

    def spec(self, name):
        return dict(super().spec(name), min=self.min, max=self.max, step=self.step, integer=self.number is int)

    def coerce(self, raw):
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            raise ValueError("%s needs a number, not %r" % (type(self).__name__, raw))
        return self.clamp(raw)


class IntSlider(_Slider):
    number = int


class FloatSlider(_Slider):
    def __init__(self, value=None, min=0.0, max=10.0, step=0.1, description="", **kwargs):
        super().__init__(value, min, max, step, description)


class Checkbox(ValueWidget):
    kind = "checkbox"

    def __init__(self, value=False, description="", **kwargs):
        super().__init__(bool(value), description)

    def coerce(self, raw):
        if not isinstance(raw, bool):
            raise ValueError("Checkbox needs true or false, not %r" % (raw,))
        return raw


class Text(ValueWidget):
    kind = "text"

    def __init__(self, value="", description="", **kwargs):
        super().__init__(str(value), description)

    def coerce(self, raw):
        if not isinstance(raw, str) or len(raw) > 10_000:
            raise ValueError("Text needs a string of at most 10,000 characters")
        return raw


class Dropdown(ValueWidget):
    """options: values, (label, value) pairs or a dict of label: value. The page sends the index."""

    kind = "dropdown"

    def __init__(self, options=(), value=None, description="", **kwargs):
        pairs = list(options.items()) if isinstance(options, dict) else [
            option if isinstance(option, tuple) and len(option) == 2 else (str(option), option) for option in options]
        if not pairs:
            raise ValueError("%s needs at least one option" % type(self).__name__)
        self.labels = [str(label) for label, _ in pairs]
        self.values = [item for _, item in pairs]
        super().__init__(self.values[0] if value is None else value, description)
        if not any(item == self.value for item in self.values):
            raise ValueError("%s: %r is not one of the options" % (type(self).__name__, value))

    def spec(self, name):
        index = next(i for i, item in enumerate(self.values) if item == self.value)
        return dict(super().spec(name), value=index, options=self.labels)

    def coerce(self, raw):
        if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw < len(self.values):
            raise ValueError("%s needs an option's index, not %r" % (type(self).__name__, raw))
        return self.values[raw]


class RadioButtons(Dropdown):
    kind = "radio"


def changed(widget_id, namespace, values):
    """A control moved or a button was pressed on the page (POST /api/widgets/{id}): interact runs
    its function again, a widget shown on its own calls its observers or click handlers; the
    widget's output is replaced in place."""
    from appliance_magics import MagicError
    widget = _live.get(widget_id)
    if widget is None or widget.namespace != namespace:
        raise MagicError("This control's kernel has restarted since its cell ran (or the control is too old): run the cell again.")
    try:
        widget.receive(values)
    except ValueError as error:
        raise MagicError(str(error))
