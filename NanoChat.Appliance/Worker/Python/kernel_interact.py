# interact, interactive and interact_manual: controls made from a function's arguments (ipywidgets'
# abbreviations), shown above the function's output, which is run again when a control moves. The
# controls themselves and the way a change comes back from the page are in kernel_widgets.py
# (appliance_widgets). Loaded as `appliance_interact` on first use; the ipywidgets stand-in
# re-exports it.
import inspect
import math
import sys
import uuid

from appliance_widgets import (WIDGET_MIME, Checkbox, Dropdown, FloatSlider, IntSlider, Text, ValueWidget,
                               _display, _refresh_running, outputs_now, refresh, register)


class fixed:
    """An argument interact passes as it is, with no control."""

    def __init__(self, value):
        self.value = value


def _control(abbreviation, default):
    """ipywidgets' abbreviations: (min, max[, step]) a slider, a number a slider around it, a bool a
    checkbox, a string a text box, a list or dict a dropdown, a widget itself."""
    if isinstance(abbreviation, (ValueWidget, fixed)):
        return abbreviation
    if isinstance(abbreviation, bool):
        return Checkbox(abbreviation)
    if isinstance(abbreviation, str):
        return Text(abbreviation)
    if isinstance(abbreviation, (int, float)):
        value = abbreviation
        low, high = (-value, 3 * value) if value > 0 else (3 * value, -value) if value < 0 else (0, 1)
        return (IntSlider if isinstance(value, int) else FloatSlider)(value, low, high, 1 if isinstance(value, int) else 0.1)
    if isinstance(abbreviation, tuple) and len(abbreviation) in (2, 3) and all(
            isinstance(n, (int, float)) and not isinstance(n, bool) for n in abbreviation):
        low, high = abbreviation[:2]
        integer = all(isinstance(n, int) for n in abbreviation)
        # No step given: 1 for integers; for floats the power of ten about a hundredth of the range.
        step = abbreviation[2] if len(abbreviation) == 3 else (1 if integer else 10 ** math.floor(math.log10((high - low) / 100)) if high > low else 0.1)
        start = default if isinstance(default, (int, float)) and not isinstance(default, bool) and low <= default <= high else \
            low + ((high - low) / 2 // step) * step
        return (IntSlider if integer else FloatSlider)(int(start) if integer else start, low, high, step)
    if isinstance(abbreviation, (list, tuple, dict)):
        control = Dropdown(abbreviation)
        if any(item == default for item in control.values):
            control.value = default
        return control
    raise ValueError("interact cannot make a control from %r: give a (min, max) tuple, a number, a bool, "
                     "a string, a list or dict of options, or a widget" % (abbreviation,))


class Interaction:
    """interactive(f, ...): f's controls and its latest outputs; shown by display() or as a cell's value."""

    def __init__(self, function, abbreviations, manual=False):
        if not callable(function):
            raise TypeError("interact needs a function to call, not %r" % (function,))
        self.id = uuid.uuid4().hex
        self.function, self.manual = function, manual
        parameters = inspect.signature(function).parameters
        self.controls = {}
        for name, parameter in parameters.items():
            default = None if parameter.default is inspect.Parameter.empty else parameter.default
            if name in abbreviations:
                self.controls[name] = _control(abbreviations[name], default)
            elif default is not None:
                # A default with no control of its own (a model, a tensor) is passed as it is.
                try:
                    self.controls[name] = _control(default, default)
                except ValueError:
                    self.controls[name] = fixed(default)
        unknown = set(abbreviations) - set(parameters)
        if unknown and not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
            raise TypeError("%s() takes no argument %s" % (getattr(function, "__name__", "function"), ", ".join(sorted(unknown))))
        for name in unknown:
            self.controls[name] = _control(abbreviations[name], None)
        self.outputs, self.result = [], None
        register(self)
        if not manual:
            self.run()

    @property
    def kwargs(self):
        return {name: control.value for name, control in self.controls.items()}

    def run(self):
        """Calls the function with the controls' values; its prints, displays, figures, value or error
        become this interaction's outputs."""
        from appliance_capture import capturing
        with capturing(owner=self) as captured:
            self.running = captured
            try:
                self.result = self.function(**self.kwargs)
                if self.result is not None:
                    _display().display_value(self.result)
            except Exception:
                captured.error(*sys.exc_info())
            finally:
                self.running = None
            # Figures f drew without plt.show() belong to its output too (as ipywidgets shows them).
            _display().flush_figures()
        self.outputs = captured.notebook_outputs()

    def bundle(self):
        controls = [control.spec(name) for name, control in self.controls.items() if not isinstance(control, fixed)]
        return {WIDGET_MIME: {"id": self.id, "manual": self.manual, "controls": controls, "outputs": outputs_now(self)},
                "text/plain": "interactive(%s)" % ", ".join("%s=%r" % (name, value) for name, value in self.kwargs.items())}

    def _repr_mimebundle_(self, include=None, exclude=None):
        return self.bundle()

    def update(self):
        _refresh_running(self)

    def receive(self, values):
        from appliance_magics import MagicError
        for name, raw in values.items():
            control = self.controls.get(name)
            if control is None or isinstance(control, fixed):
                raise MagicError("This control has no argument %r" % name)
            try:
                control.value = control.coerce(raw)
            except ValueError as error:
                raise MagicError(str(error))
        self.run()
        refresh(self)

    def __repr__(self):
        return self.bundle()["text/plain"]


def interactive(function, **abbreviations):
    return Interaction(function, abbreviations)


def interact(function=None, **abbreviations):
    """Shows controls for f's arguments and f's output under them; moving a control calls f again.
    As a decorator too: `@interact(steps=(1, 100))`. Returns f, as ipywidgets does."""
    if function is None:
        return lambda f: interact(f, **abbreviations)
    _show(Interaction(function, abbreviations))
    return function


def interact_manual(function=None, **abbreviations):
    """As interact, but f runs only when the student presses Run (for a slow f)."""
    if function is None:
        return lambda f: interact_manual(f, **abbreviations)
    _show(Interaction(function, abbreviations, manual=True))
    return function


def _show(interaction):
    _display().display(interaction.bundle(), raw=True, display_id=interaction.id)
