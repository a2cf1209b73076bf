# `%load_ext autoreload` + `%autoreload 2`, the first cell of many notebooks written for Jupyter:
# before each cell, modules whose .py file changed since it was loaded are reloaded, so a student can
# edit model.py in the workspace and re-run cells without restarting the kernel. Loaded on first use
# as `appliance_autoreload` (Worker/PythonHost.cs); kernel_runtime.py calls check() before each cell.
#
# Like IPython's, a reload also updates the functions and the methods of classes that old code still
# holds (`from model import train` keeps working), by swapping their code objects; instances of an
# edited class get its new methods. Values (constants, objects) are rebound in the module only.
import importlib
import os
import sys
import traceback

enabled = False
_seen = {}   # module name -> (mtime_ns, size) of its file when last loaded or checked


def _stamp(path):
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


def _source_modules():
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py") and not name.startswith(("appliance", "__main__")):
            yield name, module, path


def remember():
    """Takes note of every loaded module's file, so only later edits cause reloads."""
    for name, _module, path in _source_modules():
        _seen.setdefault(name, _stamp(path))


def magic(argument):
    """%autoreload [now|off|all|0|2]: 2 or all reloads before every cell, 0 or off stops, now reloads once."""
    global enabled
    mode = argument.strip() or "now"
    if mode in ("2", "all"):
        enabled = True
        remember()
    elif mode in ("0", "off"):
        enabled = False
    elif mode == "now":
        remember()
        check()
    else:
        magics = sys.modules["appliance_magics"]
        raise magics.MagicError("%%autoreload %s is not supported here: use %%autoreload 2 (every cell), "
                                "%%autoreload 0 (off) or %%autoreload (now)" % mode)


def check():
    """Reloads the modules whose file changed; a failure is printed and the cell still runs."""
    for name, module, path in list(_source_modules()):
        stamp = _stamp(path)
        previous = _seen.get(name)
        _seen[name] = stamp
        if previous is None or stamp is None or stamp == previous:
            continue
        old = dict(module.__dict__)
        try:
            importlib.reload(module)
        except Exception:
            print("[autoreload of %s failed: %s]" % (name, traceback.format_exc(limit=-1).strip()), file=sys.stderr)
            continue
        for attribute, before in old.items():
            _update(before, module.__dict__.get(attribute))


def _update(old, new):
    if old is new or new is None:
        return
    if isinstance(old, type(_update)) and isinstance(new, type(_update)):
        try:
            old.__code__, old.__defaults__, old.__kwdefaults__ = new.__code__, new.__defaults__, new.__kwdefaults__
            old.__dict__.update(new.__dict__)
        except (ValueError, TypeError):
            pass  # a different closure shape: old references keep the old code, the module has the new
    elif isinstance(old, type) and isinstance(new, type):
        for key, value in list(new.__dict__.items()):
            if key in ("__dict__", "__weakref__", "__doc__"):
                continue
            current = old.__dict__.get(key)
            if isinstance(current, type(_update)) and isinstance(value, type(_update)):
                _update(current, value)
            else:
                try:
                    setattr(old, key, value)
                except (AttributeError, TypeError):
                    pass
