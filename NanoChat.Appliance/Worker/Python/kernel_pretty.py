# The text a cell's last value shows as (text/plain), laid out as IPython's pretty printer lays it
# out, because course notebooks are written against Jupyter's output: a list, tuple, set or dict
# that does not fit in 79 columns puts one item per line, indented one space per level; a class
# shows as `int` or `module.Name`, a function with its signature, an object without a __repr__ of
# its own as `<module.Name at 0x…>`. Loaded as `appliance_pretty` on the first value shown.
# IPython's own module is not used even where IPython is installed: importing it pulls in the whole
# IPython package (a second and more on a loaded box), which the first cell's value would pay.
import collections
import types

WIDTH = 79              # IPython's max_width
MAX_ITEMS = 1000        # IPython's max_seq_length: longer containers end with "..."
_BUILTIN_MODULES = ("builtins", "__builtin__", "exceptions")


def pretty(value):
    return _layout(_doc(value, set()), 0, 0, 0)[0]


# A document is a str (printed as it is) or one of these two.
class _Group:
    """open, items separated by "," and a space (or a line break when the group is broken), close."""

    def __init__(self, open_text, items, close, indent=1):
        self.open, self.items, self.close, self.indent = open_text, items, close, indent


class _Concat:
    def __init__(self, *parts):
        self.parts = parts


def _flat(doc):
    if isinstance(doc, str):
        return doc
    if isinstance(doc, _Concat):
        return "".join(_flat(part) for part in doc.parts)
    return doc.open + ", ".join(_flat(item) for item in doc.items) + doc.close


def _layout(doc, indent, column, trailing):
    """Returns (text, column after it). `trailing`: the characters that must follow on the same line
    before the next place a line may break (a comma, the closing brackets around this document)."""
    if isinstance(doc, str):
        if "\n" in doc:  # a multi-line repr (an array, a frame): its later lines keep our indent
            doc = doc.replace("\n", "\n" + " " * indent)
            return doc, len(doc) - doc.rfind("\n") - 1
        return doc, column + len(doc)
    if isinstance(doc, _Concat):
        text, parts = "", doc.parts
        for index, part in enumerate(parts):
            rest = sum(len(_flat(later)) for later in parts[index + 1:]) + trailing
            piece, column = _layout(part, indent, column, rest)
            text += piece
        return text, column
    flat = _flat(doc)
    if "\n" not in flat and column + len(flat) + trailing <= WIDTH:
        return flat, column + len(flat)
    inner = indent + doc.indent
    text, column = doc.open, column + len(doc.open)
    for index, item in enumerate(doc.items):
        last = index == len(doc.items) - 1
        piece, column = _layout(item, inner, column, len(doc.close) + trailing if last else 1)
        text += piece
        if not last:
            text += ",\n" + " " * inner
            column = inner
    return text + doc.close, column + len(doc.close)


def _doc(value, seen):
    kind = type(value)
    printer = _CONTAINERS.get(_container_base(kind))
    if printer is not None:
        if id(value) in seen:
            return _CYCLE[_container_base(kind)]
        seen = seen | {id(value)}
        return printer(value, seen)
    if kind is collections.defaultdict:
        factory = value.default_factory
        return _Concat("defaultdict(", _name_of_type(factory) if isinstance(factory, type) else repr(factory), ", ",
                       _dict(value, seen | {id(value)}), ")")
    if isinstance(value, type):
        return _name_of_type(value)
    if isinstance(value, types.FunctionType) or (
            isinstance(value, types.BuiltinFunctionType) and isinstance(getattr(value, "__self__", None), (types.ModuleType, type(None)))):
        return _function(value)  # a bound method keeps its own repr, as in IPython
    pretty_method = getattr(kind, "_repr_pretty_", None)
    if callable(pretty_method) and not isinstance(value, type):
        printer = _FlatPrinter()
        try:
            pretty_method(value, printer, False)
            return printer.text_so_far()
        except Exception:
            pass
    if getattr(kind, "__repr__", None) is object.__repr__:
        return "<%s at 0x%x>" % (_name_of_type(kind), id(value))
    return repr(value)


def _container_base(kind):
    """The container type whose layout `kind` gets: itself, or a subclass that kept its __repr__."""
    for base in (list, tuple, set, frozenset, dict):
        if issubclass(kind, base) and kind.__repr__ is base.__repr__:
            return base
    return None


def _items(values, seen):
    items = [_doc(item, seen) for item in _first(values)]
    if _more_than_max(values):
        items.append("...")
    return items


def _first(values):
    for index, item in enumerate(values):
        if index == MAX_ITEMS:
            return
        yield item


def _more_than_max(values):
    return len(values) > MAX_ITEMS


def _sorted_if_possible(values):
    try:
        return sorted(values)
    except Exception:
        return list(values)


def _list(value, seen):
    return _Group("[", _items(value, seen), "]")


def _tuple(value, seen):
    if len(value) == 1:
        return _Concat("(", _doc(value[0], seen), ",)")
    return _Group("(", _items(value, seen), ")")


def _set(value, seen):
    if not value:
        return "set()" if isinstance(value, set) else "frozenset()"
    items = _items(_sorted_if_possible(value), seen)
    if isinstance(value, set):
        return _Group("{", items, "}")
    return _Group("frozenset({", items, "})", indent=len("frozenset({"))  # IPython lines items up under the first


def _dict(value, seen):
    items = [_Concat(_doc(key, seen), ": ", _doc(item, seen)) for key, item in _first(value.items())]
    if _more_than_max(value):
        items.append("...")
    return _Group("{", items, "}")


_CONTAINERS = {list: _list, tuple: _tuple, set: _set, frozenset: _set, dict: _dict}
_CYCLE = {list: "[...]", tuple: "(...)", set: "{...}", frozenset: "frozenset({...})", dict: "{...}"}


def _name_of_type(kind):
    module = getattr(kind, "__module__", None)
    name = getattr(kind, "__qualname__", None) or getattr(kind, "__name__", repr(kind))
    return name if module in _BUILTIN_MODULES or not isinstance(module, str) else module + "." + name


def _function(function):
    name = getattr(function, "__qualname__", None) or function.__name__
    module = getattr(function, "__module__", None)
    if isinstance(module, str) and module not in _BUILTIN_MODULES:
        name = module + "." + name
    try:
        import inspect
        signature = str(inspect.signature(function))
    except (TypeError, ValueError):
        signature = ""
    return "<function %s%s>" % (name, signature)


class _FlatPrinter:
    """What a `_repr_pretty_(p, cycle)` method writes to, on one line (enough for the few libraries
    that define one without a __repr__; line breaking inside them is left out)."""

    def __init__(self):
        self._parts = []

    def text(self, text):
        self._parts.append(str(text))

    def breakable(self, separator=" "):
        self._parts.append(separator)

    def break_(self):
        self._parts.append("\n")

    def pretty(self, value):
        self._parts.append(pretty(value))

    def begin_group(self, indent=0, open_text=""):
        self._parts.append(open_text)

    def end_group(self, dedent=0, close=""):
        self._parts.append(close)

    def group(self, indent=0, open_text="", close=""):
        import contextlib

        @contextlib.contextmanager
        def grouped():
            self.begin_group(indent, open_text)
            yield
            self.end_group(indent, close)
        return grouped()

    def indentation(self, indent):
        import contextlib
        return contextlib.nullcontext()

    def text_so_far(self):
        return "".join(self._parts)
