# Progress bars as a notebook draws them: ipywidgets' IntProgress and FloatProgress, and tqdm's
# notebook bars (`tqdm.notebook`, and `tqdm.auto` in a notebook) drawn with the same control instead
# of text. Also Label and HTML, the two read-only widgets such bars and small dashboards are built
# with. Loaded as `appliance_progress`; the ipywidgets stand-in re-exports the widgets, and
# Worker/PythonHost.cs points tqdm.notebook and tqdm.autonotebook at tqdm_notebook() below.
#
# A bar set in a tight loop must not send an update per step (a million steps would be a million
# messages): a value reaches the page at most every _MIN_INTERVAL seconds, and the last one at the
# latest when the cell ends (flush(), called by kernel_runtime.run_cell).
import re
import time

from appliance_widgets import WIDGET_MIME, ValueWidget, _display

_MIN_INTERVAL = 0.1
_unsent = {}  # id(bar) -> a bar whose latest value the page has not seen yet
_BAR_STYLES = ("", "success", "info", "warning", "danger")


class _Progress(ValueWidget):
    kind = "progress"
    number = float

    def __init__(self, value=0, min=0, max=100, description="", bar_style="", **kwargs):
        if min > max:
            raise ValueError("%s: min %r is above max %r" % (type(self).__name__, min, max))
        self.min, self.max = self.number(min), self.number(max)
        self._bar_style = _checked_style(bar_style)
        self.text = None     # shown beside the bar instead of the percentage (tqdm's count and rate)
        self.hidden = False  # a closed tqdm bar with leave=False
        self.plain = None    # text/plain instead of the repr (tqdm's text bar)
        self._sent_at, self._sent = 0.0, None
        super().__init__(self.clamp(value), description)

    def clamp(self, value):
        return self.number(sorted((self.min, self.number(value), self.max))[1])

    # Like ipywidgets: a value outside the range is clamped, not refused.
    value = property(ValueWidget.value.fget, lambda self, new: ValueWidget.value.fset(self, self.clamp(new)))

    @property
    def bar_style(self):
        return self._bar_style

    @bar_style.setter
    def bar_style(self, style):
        self._bar_style = _checked_style(style)
        self.update(now=True)

    def controls(self):
        if self.hidden:
            return []
        return [{"name": "value", "kind": "progress", "description": self.description, "value": self.value,
                 "min": self.min, "max": self.max, "barStyle": self._bar_style, "text": self.text}]

    def receive(self, values):
        raise ValueError("%s is set from code, not from the page" % type(self).__name__)

    def _shown(self):
        """What the page draws of this bar: an update that changes none of it is not sent."""
        return (self.value, self.min, self.max, self.description, self.text, self._bar_style, self.hidden, self.plain)

    def _ipython_display_(self):
        self._sent_at, self._sent = time.monotonic(), self._shown()  # the page has this now
        super()._ipython_display_()

    def update(self, now=False):
        if self.id is None:
            return
        clock = time.monotonic()
        # The end of the range goes out at once (a bar must not sit at 99% while the cell goes on).
        if not (now or self.value >= self.max or clock - self._sent_at >= _MIN_INTERVAL):
            _unsent[id(self)] = self
            return
        _unsent.pop(id(self), None)
        shown = self._shown()
        if shown == self._sent:  # e.g. a bar held at its end: sent once, not at every set
            return
        self._sent_at, self._sent = clock, shown
        super().update()

    def __repr__(self):
        return self.plain or "%s(value=%r, min=%r, max=%r)" % (type(self).__name__, self.value, self.min, self.max)


class IntProgress(_Progress):
    number = int


class FloatProgress(_Progress):
    def __init__(self, value=0.0, min=0.0, max=10.0, description="", bar_style="", **kwargs):
        super().__init__(value, min, max, description, bar_style)


class Label(ValueWidget):
    """A line of text, set from code (`label.value = "epoch 3"`)."""

    kind = "static"  # not "label": the page's controls already use that word for their captions

    def __init__(self, value="", description="", **kwargs):
        super().__init__(str(value), description)

    value = property(ValueWidget.value.fget, lambda self, new: ValueWidget.value.fset(self, str(new)))

    def receive(self, values):
        raise ValueError("Label is set from code, not from the page")


class HTML(ValueWidget):
    """HTML set from code, shown as a cell's text/html output is (the page's rules for HTML apply)."""

    def __init__(self, value="", description="", **kwargs):
        super().__init__(str(value), description)

    value = property(ValueWidget.value.fget, lambda self, new: ValueWidget.value.fset(self, str(new)))

    def controls(self):
        return []

    def bundle(self):
        bundle = super().bundle()
        html = {"output_type": "display_data", "data": {"text/html": self.value}, "metadata": {}}
        bundle[WIDGET_MIME]["outputs"].insert(0, html)
        return bundle

    def receive(self, values):
        raise ValueError("HTML is set from code, not from the page")


def _checked_style(style):
    style = style or ""
    if style not in _BAR_STYLES:
        raise ValueError("bar_style must be one of %s, not %r" % (", ".join(repr(s) for s in _BAR_STYLES), style))
    return style


def flush():
    """Sends every bar's latest value (end of a cell)."""
    for bar in list(_unsent.values()):
        bar.update(now=True)


_tqdm_class = None


def tqdm_notebook():
    """tqdm.notebook's tqdm class in the appliance (built on first use: tqdm is an optional library)."""
    global _tqdm_class
    if _tqdm_class is None:
        from tqdm.std import tqdm as std_tqdm
        _tqdm_class = _notebook_class(std_tqdm)
    return _tqdm_class


def trange(*args, **kwargs):
    return tqdm_notebook()(range(*args), **kwargs)


def _notebook_class(std_tqdm):
    class tqdm_notebook(std_tqdm):
        """tqdm.std counts, times and formats; the bar is a progress control, with tqdm's text
        beside it. As tqdm.notebook: green when complete, red when stopped early (an error, an
        interrupt), gone when closed with leave=False."""

        # No monitor thread: it would draw from outside the cell's thread. Updates are throttled here.
        monitor_interval = 0

        def __init__(self, *args, **kwargs):
            kwargs = dict(kwargs)
            show_now = kwargs.pop("display", True)
            kwargs["gui"] = True  # tqdm.std then prints nothing itself
            kwargs["disable"] = bool(kwargs.get("disable", False))
            self.bar = None
            super().__init__(*args, **kwargs)
            if self.disable:
                return
            self.bar = FloatProgress(min=0, max=self.total or 1, value=0 if self.total else 1,
                                     bar_style="" if self.total else "info")
            self.displayed = False
            self.display(check_delay=False)  # its first text, before it is shown
            if show_now and self.delay <= 0:
                _display().display(self.bar)
                self.displayed = True

        def display(self, msg=None, pos=None, close=False, bar_style=None, check_delay=True):
            bar = self.bar
            if bar is None:
                return
            if not msg and not close:
                meter = self.format_dict
                if self.total:  # with no total there is no bar, only the count and the rate
                    meter["bar_format"] = (meter["bar_format"] or "{l_bar}<bar/>{r_bar}").replace("{bar}", "<bar/>")
                msg = self.format_meter(**meter)
            if msg:
                left, right = re.split(r"\|?<bar/>\|?", msg, maxsplit=1) if "<bar/>" in msg else ("", msg)
                bar.description, bar.text = left.strip(), right.strip()
            bar.plain = str(self)  # the text bar: what a saved notebook shows where this control is unknown
            if bar_style and (bar.bar_style != "danger" or bar_style != "success"):
                bar._bar_style = bar_style
            if close and bar.bar_style != "danger":
                bar.hidden = True
            if check_delay and self.delay > 0 and not self.displayed:
                _display().display(bar)
                self.displayed = True
            if self.total:
                bar.max = float(self.total)
                bar._value = bar.clamp(self.n)
            bar.update(now=close or bar_style is not None)

        def __iter__(self):
            try:
                yield from super().__iter__()
            except:  # noqa: E722  (as tqdm.notebook: an interrupt too turns the bar red)
                self.display(bar_style="danger")
                raise

        def update(self, n=1):
            try:
                return super().update(n=n)
            except:  # noqa: E722
                self.display(bar_style="danger")
                raise

        def close(self):
            if self.disable:
                return
            super().close()
            if self.total and self.n < self.total:
                self.display(bar_style="danger", check_delay=False)
            elif self.leave:
                self.display(bar_style="success", check_delay=False)
            else:
                self.display(close=True, check_delay=False)

        def clear(self, *args, **kwargs):
            pass

        def reset(self, total=None):
            if self.bar is not None:
                self.bar._bar_style = ""
            return super().reset(total=total)

    return tqdm_notebook

