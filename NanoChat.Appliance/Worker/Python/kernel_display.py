# Rich output for the worker's Python runtime, loaded at worker start as `appliance_display` and
# re-exported by appliance_kernel (kernel_runtime.py): Jupyter MIME bundles of values, display() with
# IPython's options (display_id and update included), clear_output(), and matplotlib figures (PNG unless
# set_matplotlib_formats chose retina, JPEG or SVG).
# Everything goes out through the kernel's emit(), which drains captured prints first, so output
# keeps its order.
import io
import sys


# While a %%capture cell runs (kernel_capture.py): takes the cell's display outputs instead of the page.
_capture_sink = None


def _emit(kind, payload):
    if _capture_sink is not None:
        _capture_sink(kind, payload)
        return
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
                       ("application/json", "_repr_json_"), ("application/javascript", "_repr_javascript_")):
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
    figure = _matplotlib_figure(value)
    if figure is not None:
        data.update(figure[0])
        metadata.update(figure[1])
    if "text/plain" not in data:
        data["text/plain"] = _plain_text(value)
    return data, metadata


def _plain_text(value):
    """IPython's layout of the value (kernel_pretty.py); a value its printer trips over shows as repr()."""
    try:
        import appliance_pretty
        return appliance_pretty.pretty(value)
    except Exception:
        return repr(value)


def _matplotlib_figure(value):
    module = sys.modules.get("matplotlib.figure")
    if module is None or not isinstance(value, module.Figure):
        return None
    return figure_bundle(value)


# ---------------------------------------------------------------- figure formats

# What a figure is sent as; %config InlineBackend.figure_format(s) and set_matplotlib_formats()
# choose, as in Jupyter. "retina" is a PNG at twice the resolution shown at its normal size.
_figure_formats = ("png",)
_FORMAT_NAMES = {"png": "png", "retina": "retina", "png2x": "retina", "jpg": "jpeg", "jpeg": "jpeg", "svg": "svg"}


def set_matplotlib_formats(*formats, **kwargs):
    """Chooses how figures are sent: any of 'png', 'retina' (or 'png2x'), 'jpeg', 'svg'."""
    global _figure_formats
    chosen = []
    for name in formats:
        key = _FORMAT_NAMES.get(str(name).lower())
        if key is None:
            raise ValueError("figure format %r is not shown in this appliance; choose from png, retina, jpeg, svg" % (name,))
        if key not in chosen:
            chosen.append(key)
    if not chosen:
        raise ValueError("name at least one figure format: png, retina, jpeg or svg")
    _figure_formats = tuple(chosen)


def figure_formats():
    return _figure_formats


def figure_bundle(figure):
    """A matplotlib figure in the chosen formats: (data, metadata), as Jupyter's inline backend sends it."""
    import base64
    data, metadata = {}, {}
    for kind in _figure_formats:
        buffer = io.BytesIO()
        if kind == "svg":
            figure.savefig(buffer, format="svg", bbox_inches="tight")
            data["image/svg+xml"] = buffer.getvalue().decode("utf-8")
            continue
        if kind == "jpeg":
            figure.savefig(buffer, format="jpeg", bbox_inches="tight")
            data["image/jpeg"] = base64.b64encode(buffer.getvalue()).decode("ascii")
            continue
        figure.savefig(buffer, format="png", bbox_inches="tight", **({"dpi": 2 * figure.dpi} if kind == "retina" else {}))
        png = buffer.getvalue()
        data["image/png"] = base64.b64encode(png).decode("ascii")
        if kind == "retina":
            # The PNG's own size (IHDR), halved: shown at the size a plain PNG would have.
            width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
            metadata["image/png"] = {"width": width // 2, "height": height // 2}
    return data, metadata


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
    if not raw and display_id is None and hasattr(type(value), "_ipython_display_"):
        value._ipython_display_()  # IPython's protocol: the object shows itself (a widget, a box of them)
        return
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
    for number in pyplot.get_fignums():
        figure = pyplot.figure(number)
        data, metadata = figure_bundle(figure)
        width, height = figure.get_size_inches() * figure.dpi
        data["text/plain"] = "<Figure size %dx%d with %d Axes>" % (width, height, len(figure.axes))
        _emit("display", {"outputType": "display_data", "metadata": metadata, "data": data})
    pyplot.close("all")
