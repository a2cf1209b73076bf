# What `get_ipython()` answers in a notebook: the part of IPython's InteractiveShell that notebook code
# calls. Scripts made from notebooks (jupytext, nbconvert --to script) turn `%matplotlib inline` into
# get_ipython().run_line_magic('matplotlib', 'inline') and `!ls` into get_ipython().system('ls'); this
# shell runs them through the same magics and shell as the lines they came from (appliance_magics).
# It is a name in each notebook's globals, as IPython puts it in the user namespace; libraries that
# ask `from IPython import get_ipython` still get None and behave as in a script, which is how they
# work best here. Loaded as `appliance_shell` on the first call of get_ipython().
import sys

import appliance_magics as magics
from appliance_magics import _kernel


class ApplianceShell:
    """The running cell's notebook, seen as IPython's shell (one instance per worker, like IPython's)."""

    config = {}

    @property
    def user_ns(self):
        """The globals of the notebook whose cell is running."""
        return _kernel().namespace(_kernel()._current_namespace)

    def run_line_magic(self, magic_name, line, _stack_depth=1):
        return magics.line_magic(magic_name, line, self.user_ns)

    def run_cell_magic(self, magic_name, line, cell):
        return magics.cell_magic("%%" + magic_name + (" " + line if line else ""), cell, self.user_ns)

    def magic(self, arg_s):
        """IPython's old spelling: magic('timeit x = 1') is run_line_magic('timeit', 'x = 1')."""
        name, _, line = arg_s.lstrip().lstrip("%").partition(" ")
        return self.run_line_magic(name, line)

    def system(self, cmd):
        """`!cmd`: runs through /bin/sh, output streams into the cell; the status goes to _exit_code."""
        ns = self.user_ns
        ns["_exit_code"] = magics.shell(magics.expand(cmd, ns))

    def getoutput(self, cmd, split=True):
        """`x = !cmd`: the output as lines (with .s, .n and .l), or as one string when not split."""
        lines = magics.shell_lines(magics.expand(cmd, self.user_ns))
        return lines if split else lines.n

    def ev(self, expr):
        return eval(expr, self.user_ns)

    def ex(self, cmd):
        exec(cmd, self.user_ns)

    def push(self, variables, interactive=True):
        """Puts variables into the notebook: a dict of name: value, or names (a list or a
        space-separated string) taken from the caller's frame, as IPython does."""
        if isinstance(variables, dict):
            values = variables
        else:
            names = variables.split() if isinstance(variables, str) else list(variables)
            caller = sys._getframe(1)
            values = {name: eval(name, caller.f_globals, caller.f_locals) for name in names}
        self.user_ns.update(values)

    def set_next_input(self, text, replace=False):
        _kernel().emit("set_next_input", {"text": str(text), "replace": bool(replace)})

    def __repr__(self):
        return "<appliance shell: IPython's notebook calls, run by the NanoChat appliance's kernel>"


_shell = ApplianceShell()


def shell():
    return _shell
