# More of ipywidgets' inputs: Textarea, number boxes (IntText, FloatText and their Bounded kinds),
# ToggleButtons (shown as radio buttons), and link/jslink/dlink, which keep two widgets' values
# together. ipywidgets links in the browser; here the kernel does it, with the same effect for the
# student. Loaded as `appliance_widget_inputs`; the ipywidgets stand-in re-exports them, and interact
# takes them as it takes any control.
import math

from appliance_widgets import RadioButtons, Text, ValueWidget


class Textarea(Text):
    """Text over several lines (a prompt, a paragraph to tokenize)."""

    def __init__(self, value="", description="", rows=None, **kwargs):
        super().__init__(value, description)
        self.rows = rows

    def spec(self, name):
        return dict(super().spec(name), multiline=True, rows=self.rows)


class _NumberText(ValueWidget):
    """A number box; the Bounded kinds clamp to min..max, as ipywidgets does."""

    kind = "number"
    number = float

    def __init__(self, value=0, description="", step=None, min=None, max=None, **kwargs):
        self.min = None if min is None else self.number(min)
        self.max = None if max is None else self.number(max)
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("%s: min %r is above max %r" % (type(self).__name__, min, max))
        self.step = step
        super().__init__(self.fit(value), description)

    def fit(self, value):
        value = self.number(value)
        if self.min is not None:
            value = max(self.min, value)
        if self.max is not None:
            value = min(self.max, value)
        return value

    value = property(ValueWidget.value.fget, lambda self, new: ValueWidget.value.fset(self, self.fit(new)))

    def spec(self, name):
        return dict(super().spec(name), min=self.min, max=self.max, step=self.step, integer=self.number is int)

    def coerce(self, raw):
        if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw):
            raise ValueError("%s needs a number, not %r" % (type(self).__name__, raw))
        if self.number is int and raw != int(raw):
            raise ValueError("%s needs a whole number, not %r" % (type(self).__name__, raw))
        return self.fit(raw)


class IntText(_NumberText):
    number = int


class FloatText(_NumberText):
    def __init__(self, value=0.0, description="", step=None, **kwargs):
        super().__init__(value, description, step, kwargs.get("min"), kwargs.get("max"))


class BoundedIntText(IntText):
    def __init__(self, value=0, min=0, max=100, step=1, description="", **kwargs):
        super().__init__(value, description, step, min, max)


class BoundedFloatText(FloatText):
    def __init__(self, value=0.0, min=0.0, max=100.0, step=0.1, description="", **kwargs):
        super().__init__(value, description, step, min=min, max=max)


class ToggleButtons(RadioButtons):
    """Shown as radio buttons: the same choice of one option, and the page's own form controls."""


def _end(pair):
    widget, name = pair
    if not isinstance(widget, ValueWidget) or name != "value":
        raise ValueError("link joins the value of two controls, given as (widget, \"value\"), not %r" % (pair,))
    return widget


class link:
    """link((a, "value"), (b, "value")): b takes a's value now, and from then on setting either
    (from code or on the page) sets the other. unlink() ends it."""

    def __init__(self, source, target):
        self.source, self.target = _end(source), _end(target)
        self._copying = False
        self.target.value = self.source.value
        self.source.observe(self._forward, names="value")
        self.target.observe(self._backward, names="value")

    def _forward(self, change):
        self._copy(self.target, change["new"])

    def _backward(self, change):
        self._copy(self.source, change["new"])

    def _copy(self, widget, value):
        if self._copying:  # the other side's observer answering this very change
            return
        self._copying = True
        try:
            widget.value = value
        finally:
            self._copying = False

    def unlink(self):
        self.source.unobserve(self._forward)
        self.target.unobserve(self._backward)


jslink = link


class dlink:
    """dlink((a, "value"), (b, "value"), transform=None): one way, a to b, through transform."""

    def __init__(self, source, target, transform=None):
        self.source, self.target = _end(source), _end(target)
        self.transform = transform or (lambda value: value)
        self.target.value = self.transform(self.source.value)
        self.source.observe(self._forward, names="value")

    def _forward(self, change):
        self.target.value = self.transform(change["new"])

    def unlink(self):
        self.source.unobserve(self._forward)


jsdlink = dlink
