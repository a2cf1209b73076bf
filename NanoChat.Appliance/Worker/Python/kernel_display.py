# Rich output for the worker's Python runtime, loaded at worker start as `appliance_display` and
# re-exported by appliance_kernel (kernel_runtime.py): Jupyter MIME bundles of values, display() with
# IPython's options (display_id and update included), clear_output(), and matplotlib figures as PNG.
# Everything goes out through the kernel's emit(), which drains captured prints first, so output
# keeps its order.
import io
import sys


def _emit(kind, payload):
    sys.modules["appliance_kernel"].emit(kind, payload)


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


def display(*objs, include=None, exclude=None, metadata=None, raw=False, clear=False, display_id=None, update=False, **kwargs):
    """Shows each object in the cell's output in its richest form, like IPython's display().

    raw=True: each object is already a MIME bundle (dict). include/exclude: MIME types to keep or
    drop. clear=True: clear the output first (as clear_output(wait=True)). display_id=True or a
    name: the output can be replaced later, wherever it is in the notebook (returns a DisplayHandle
    with .update(obj)); update=True replaces the output of that display_id instead of adding one.
    """
    if display_id is not None:
        display_id = DisplayHandle(None if display_id is True else display_id).display_id
    if clear:
        clear_output(wait=True)
    for value in objs:
        display_value(value, raw=raw, include=include, exclude=exclude, metadata=metadata, display_id=display_id, update=update)
    return DisplayHandle(display_id) if display_id is not None and not update else None


def update_display(obj, *, display_id, **kwargs):
    """Replaces the output shown with that display_id (IPython's update_display)."""
    display(obj, display_id=display_id, update=True, **kwargs)


class DisplayHandle:
    """What display(..., display_id=...) returns: show or replace that one output later."""

    def __init__(self, display_id=None):
        if display_id is None:
            import uuid
            display_id = uuid.uuid4().hex
        self.display_id = str(display_id)

    def __repr__(self):
        return "<DisplayHandle display_id=%s>" % self.display_id

    def display(self, obj, **kwargs):
        display(obj, display_id=self.display_id, **kwargs)

    def update(self, obj, **kwargs):
        update_display(obj, display_id=self.display_id, **kwargs)


def display_value(value, raw=False, output_type="display_data", include=None, exclude=None, metadata=None, display_id=None, update=False):
    data, found = (dict(value), {}) if raw and isinstance(value, dict) else mime_bundle(value)
    if include:
        data = {mime: content for mime, content in data.items() if mime in include}
    if exclude:
        data = {mime: content for mime, content in data.items() if mime not in exclude}
    message = {"outputType": output_type, "data": data, "metadata": {**found, **(metadata or {})}}
    if display_id is not None:
        message["displayId"] = display_id
    _emit("update_display" if update else "display", message)


def clear_output(wait=False):
    """Clears the cell's output so far; with wait=True only when the next output arrives (no flicker).

    The pattern for a live plot or progress line: in a loop, clear_output(wait=True), then print or
    plt.show() the new state.
    """
    _emit("clear_output", {"wait": bool(wait)})



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
        _emit("display", {"outputType": "display_data", "metadata": {},
                         "data": {"image/png": base64.b64encode(buffer.getvalue()).decode("ascii"),
                                  "text/plain": "<Figure size %dx%d with %d Axes>" % (width, height, len(figure.axes))}})
    pyplot.close("all")
