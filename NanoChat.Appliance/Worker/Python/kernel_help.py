# Shift+Tab help in a cell (Jupyter's "inspect"): the signature, type and docstring of the name
# under the cursor, or of the function whose call the cursor is in. Loaded on first use as
# `appliance_help` (Worker/PythonHost.cs): a worker that is never asked does not pay for `inspect`.
#
# Names are looked up the way rlcompleter does for completion: the first part in the notebook's
# globals (then builtins), the rest with getattr. Nothing else is evaluated, so asking for help on
# `model.forward` never calls anything but attribute getters, and only in the student's own sandbox.
import builtins
import re

_WORD_AFTER = re.compile(r"\w*")
_DOTTED_AT_END = re.compile(r"(?<![\w.])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$")
_MAX_DOC = 6000        # characters of docstring: a tooltip, not a manual
_MAX_VALUE = 500       # characters of a value's repr
_MAX_TEXT = 12000      # the whole answer: a signature's defaults can be huge (def f(x=[0] * 10**6))
_SCAN = 4000           # characters scanned back for an open call


def inspect_at(names, code, cursor):
    """Answers (found, text) for the code position `cursor` (a Python string index)."""
    dotted = _name_at(code, cursor)
    if not dotted:
        return False, ""
    found, value = _lookup(names, dotted)
    if not found:
        return False, ""
    text = _describe(dotted, value)
    return True, text if len(text) <= _MAX_TEXT else text[:_MAX_TEXT] + "\n…"


def _name_at(code, cursor):
    """The dotted name under the cursor; else, inside a call's parentheses, the callee's name."""
    before = code[:cursor]
    word_after = _WORD_AFTER.match(code, cursor).group(0)
    at_cursor = _DOTTED_AT_END.search(before + word_after)
    if at_cursor and before[-1:] not in ("", " ", "\t", "\n", "(", ",", "="):
        return at_cursor.group(0)
    return _open_call(before)


def _open_call(before):
    """
    The name before the innermost call still open at the end of `before`: `f([1, (2` is in f's call
    (the list and the tuple are not calls). Strings are not parsed: a hint is enough.
    """
    depth = 0
    start = max(0, len(before) - _SCAN)
    for index in range(len(before) - 1, start - 1, -1):
        char = before[index]
        if char in ")]}":
            depth += 1
        elif char in "([{":
            if depth > 0:
                depth -= 1
            elif char == "(":
                callee = _DOTTED_AT_END.search(before[:index].rstrip())
                if callee:
                    return callee.group(0)
    return None


def _lookup(names, dotted):
    first, *rest = dotted.split(".")
    if first in names:
        value = names[first]
    elif hasattr(builtins, first):
        value = getattr(builtins, first)
    else:
        return False, None
    try:
        for part in rest:
            value = getattr(value, part)
    except Exception:  # noqa: BLE001 - any getter may fail; then there is simply no help
        return False, None
    return True, value


def _describe(dotted, value):
    import inspect

    lines = []
    if callable(value):
        try:
            lines.append(f"Signature: {dotted}{inspect.signature(value)}")
        except Exception:  # noqa: BLE001 - no signature (builtins, C types) or a broken __signature__
            pass
    kind = type(value)
    lines.append("Type: " + (kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"))
    is_value = not (callable(value) or inspect.ismodule(value))
    if is_value:
        lines.append("Value: " + _short_repr(value))
    try:
        # A plain value (7, "text", [1, 2]) would show its type's manual (int's, str's): noise.
        doc = None if is_value and kind.__module__ == "builtins" else inspect.getdoc(value)
    except Exception:  # noqa: BLE001 - a broken __doc__ property
        doc = None
    if doc:
        if len(doc) > _MAX_DOC:
            doc = doc[:_MAX_DOC] + "\n…"
        lines += ["Docstring:", doc]
    return "\n".join(lines)


def _short_repr(value):
    try:
        text = repr(value)
    except Exception as error:  # noqa: BLE001 - the student's own __repr__ may raise
        return f"<repr failed: {type(error).__name__}>"
    return text if len(text) <= _MAX_VALUE else text[:_MAX_VALUE] + "…"
