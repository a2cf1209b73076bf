"""Helpers the NanoChat Appliance gives to notebook code: `from appliance import display`.

This module is part of the appliance (embedded in its binary), not a pip package. Later features
add functions here (e.g. `register_checkpoint` for chat); keep each one small and documented.
"""
import sys as _sys

__path__ = []  # a package: the matplotlib backend `appliance._inline_backend` lives under it

_kernel = _sys.modules["appliance_kernel"]


# The kernel's own functions (kernel_display.py), the same objects IPython.display gives a notebook:
# display(*objs, raw=, include=, exclude=, metadata=, clear=) and clear_output(wait=False).
display = _kernel.display
clear_output = _kernel.clear_output


def shell(command):
    """Runs a shell command in the workspace with its output in the cell; returns its exit code."""
    return _kernel.shell(command)


def show_figures():
    """Shows every open matplotlib figure now instead of at the end of the cell."""
    _kernel.flush_figures()


_CHECKPOINT_KINDS = ("tiny-gpt", "nanochat-base", "nanochat-sft", "nanochat-rl")


def register_checkpoint(path, name=None, kind="tiny-gpt", step=None):
    """Makes a trained model available on the Chat page.

    Writes a small manifest into ~/.appliance/checkpoints/ that the appliance reads (the web process
    never loads the model; chat runs it here, in your kernel). `path` must be inside your home
    folder; `kind` is one of "tiny-gpt" (the CPU tutorial's format) or "nanochat-base|sft|rl".
    Returns the manifest's path. Registering the same name again replaces the entry.
    """
    import json
    import os
    import re
    home = os.path.realpath(os.path.expanduser("~"))
    full = os.path.realpath(os.path.abspath(path))
    if not os.path.isfile(full):
        raise FileNotFoundError(f"No checkpoint file at {path}")
    if os.path.commonpath([home, full]) != home:
        raise ValueError(f"The checkpoint must be inside your home folder {home}, not at {full}")
    if kind not in _CHECKPOINT_KINDS:
        raise ValueError(f"kind must be one of {', '.join(_CHECKPOINT_KINDS)}")
    name = (name or os.path.splitext(os.path.basename(full))[0]).strip()[:120]
    folder = os.path.join(home, ".appliance", "checkpoints")
    os.makedirs(folder, exist_ok=True)
    manifest = os.path.join(folder, re.sub(r"[^A-Za-z0-9._-]+", "_", name) + ".json")
    with open(manifest + ".tmp", "w", encoding="utf-8") as handle:
        json.dump({"name": name, "kind": kind, "path": os.path.relpath(full, home), "step": step}, handle)
    os.replace(manifest + ".tmp", manifest)  # atomic: the web process never reads half a manifest
    return manifest


__all__ = ["display", "clear_output", "shell", "show_figures", "register_checkpoint"]
