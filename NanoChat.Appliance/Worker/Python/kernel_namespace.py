# The notebook's own variables, as IPython's %who, %who_ls, %whos and %reset show and clear them.
# Names the kernel puts there itself (display, get_ipython, __appliance_kernel__, dunders) and `_`-names are
# not the student's and are never listed or removed. Loaded as `appliance_namespace` on first use.
import gc
import sys

_KERNEL_NAMES = ("__name__", "__builtins__", "__appliance_kernel__", "display", "get_ipython")


def _variables(ns, type_names=()):
    names = []
    for name, value in ns.items():
        if name.startswith("_") or name in _KERNEL_NAMES:
            continue
        if type_names and type(value).__name__ not in type_names:
            continue
        names.append(name)
    return sorted(names, key=str.lower)


def who_ls(ns, argument):
    return _variables(ns, argument.split())


def who(ns, argument):
    names = _variables(ns, argument.split())
    print("\t".join(names) if names else "Interactive namespace is empty.")


def whos(ns, argument):
    names = _variables(ns, argument.split())
    if not names:
        print("Interactive namespace is empty.")
        return
    rows = [(name, type(ns[name]).__name__, _describe(ns[name])) for name in names]
    widths = [max(len(row[i]) for row in rows + [("Variable", "Type", "")]) for i in range(2)]
    print("%-*s   %-*s   Data/Info" % (widths[0], "Variable", widths[1], "Type"))
    print("-" * (widths[0] + widths[1] + 18))
    for name, kind, info in rows:
        print("%-*s   %-*s   %s" % (widths[0], name, widths[1], kind, info))


def _describe(value):
    # Arrays and tensors by shape (their repr is a wall of numbers); everything else by a short repr.
    shape = getattr(value, "shape", None)
    dtype = getattr(value, "dtype", None)
    if isinstance(shape, tuple) and dtype is not None:  # numpy's shape is a tuple, torch's Size one too
        device = getattr(value, "device", None)
        return "shape %s, %s%s" % (tuple(shape), dtype, "" if device is None or str(device) == "cpu" else ", " + str(device))
    try:
        text = repr(value)
    except Exception as error:
        text = "<repr failed: %s>" % type(error).__name__
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."


def reset(ns, argument):
    """%reset [-f]: removes every variable of this notebook (asks first unless -f), then gives the
    memory back, GPU memory included: the way to start over without restarting the kernel."""
    words = argument.split()
    from appliance_magics import MagicError
    if any(word != "-f" for word in words):
        raise MagicError("%reset [-f] removes every variable of this notebook; other forms are not supported here")
    if "-f" not in words:
        answer = input("Once deleted, variables cannot be recovered. Proceed (y/[n])? ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing done.")
            return
    for name in list(ns):
        if name not in _KERNEL_NAMES:
            del ns[name]
    gc.collect()
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_available() and torch.cuda.is_initialized():
        torch.cuda.empty_cache()
