"""Helpers the NanoChat Appliance gives to notebook code: `from appliance import display`.

This module is part of the appliance (embedded in its binary), not a pip package. Later features
add functions here (e.g. `register_checkpoint` for chat); keep each one small and documented.
"""
import sys as _sys

__path__ = []  # a package: the matplotlib backend `appliance._inline_backend` lives under it

_kernel = _sys.modules["appliance_kernel"]


def display(*values, raw=False):
    """Shows values in the cell's output: rich forms (_repr_html_, PNG, figures) when they have them."""
    _kernel.display_value(*values, raw=raw)


def shell(command):
    """Runs a shell command in the workspace with its output in the cell; returns its exit code."""
    return _kernel.shell(command)


def show_figures():
    """Shows every open matplotlib figure now instead of at the end of the cell."""
    _kernel.flush_figures()


__all__ = ["display", "shell", "show_figures"]
