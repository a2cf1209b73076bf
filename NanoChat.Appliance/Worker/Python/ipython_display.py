# The appliance's stand-in for `IPython.display` (also importable as `IPython.core.display`), used
# only when IPython itself is not installed for the kernel's Python (Worker/PythonHost.cs puts its
# finder after every real one). Jupyter notebooks brought into the appliance commonly start with
# `from IPython.display import display, clear_output, HTML, Markdown, Image`; with this module they
# run unchanged. Only what the appliance can show is here; anything else fails to import by name.
import os
import sys

_kernel = sys.modules["appliance_kernel"]

__all__ = ["display", "clear_output", "update_display", "DisplayHandle", "DisplayObject", "HTML", "Markdown",
           "Latex", "Math", "SVG", "JSON", "Javascript", "Image", "set_matplotlib_formats"]


# The same functions the kernel gives every notebook (kernel_display.py), so both spellings agree.
display = _kernel.display
clear_output = _kernel.clear_output
update_display = _kernel.update_display
DisplayHandle = _kernel.DisplayHandle
# Deprecated in IPython 8 but in many notebooks: set_matplotlib_formats('retina') or ('svg').
set_matplotlib_formats = _kernel.set_matplotlib_formats


class DisplayObject:
    """Text content given directly (`data`) or read from a file in the workspace (`filename`)."""

    def __init__(self, data=None, url=None, filename=None, metadata=None):
        if url is not None or (isinstance(data, str) and data.startswith(("http://", "https://"))):
            raise ValueError("This appliance has no internet access: save the file into your workspace "
                             "and pass filename=... instead of a URL")
        if filename is not None:
            with open(filename, "rb" if self._binary else "r") as handle:
                data = handle.read()
        self.data = data
        self.metadata = metadata or {}

    _binary = False

    def __repr__(self):
        return "<IPython.core.display.%s object>" % type(self).__name__


class HTML(DisplayObject):
    def _repr_html_(self):
        return self.data


class Markdown(DisplayObject):
    def _repr_markdown_(self):
        return self.data


class Latex(DisplayObject):
    def _repr_latex_(self):
        return self.data


class Math(DisplayObject):
    def _repr_latex_(self):
        return "$\\displaystyle %s$" % str(self.data).strip("$")


class SVG(DisplayObject):
    def _repr_svg_(self):
        return self.data


class Javascript(DisplayObject):
    """Runs in the page's sandboxed output frame, like an HTML output's scripts (no access to the page)."""

    def _repr_javascript_(self):
        return self.data


class JSON(DisplayObject):
    def __init__(self, data=None, filename=None, metadata=None, **kwargs):
        super().__init__(data, filename=filename, metadata=metadata)
        if isinstance(self.data, str) and filename is not None:
            import json
            self.data = json.loads(self.data)

    def _repr_json_(self):
        return self.data


_IMAGE_TYPES = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8", "jpeg"), (b"GIF87a", "gif"), (b"GIF89a", "gif"))


class Image(DisplayObject):
    """A PNG, JPEG or GIF image from bytes or a file; width and height are display sizes in pixels."""

    _binary = True

    def __init__(self, data=None, url=None, filename=None, format=None, embed=None, width=None, height=None, metadata=None, **kwargs):
        if isinstance(data, str) and not data.startswith(("http://", "https://")) and os.path.exists(data):
            data, filename = None, data
        super().__init__(data, url=url, filename=filename, metadata=metadata)
        if not isinstance(self.data, (bytes, bytearray)):
            raise ValueError("Image() needs the image's bytes (data=...) or a file in your workspace (filename=...)")
        self.format = (format or self._sniff()).lower().replace("jpg", "jpeg")
        if self.format not in ("png", "jpeg", "gif"):
            raise ValueError("Image() shows PNG, JPEG or GIF images, not %r" % self.format)
        self.width, self.height = width, height

    def _sniff(self):
        for magic, kind in _IMAGE_TYPES:
            if bytes(self.data[:len(magic)]) == magic:
                return kind
        raise ValueError("Image(): not a PNG, JPEG or GIF image (pass format=... if it is one)")

    def _repr_mimebundle_(self, include=None, exclude=None):
        import base64
        mime = "image/" + self.format
        size = {key: value for key, value in (("width", self.width), ("height", self.height)) if value}
        return ({mime: base64.b64encode(bytes(self.data)).decode("ascii"), "text/plain": repr(self)},
                {mime: size} if size else {})
