# The appliance's stand-in for the `IPython` package, loaded only when IPython is not installed for
# the kernel's Python (see ipython_display.py, which holds what notebooks actually import).
from IPython import display  # noqa: F401  `import IPython; IPython.display.HTML(...)` works as with IPython


def get_ipython():
    """None: there is no IPython shell in the appliance's kernel (libraries then act as in a script)."""
    return None
