# The magics that work with files in the workspace: %%writefile (save the cell), %run (run a script
# as __main__, keep its globals), %load (put a file's text into the cell). Loaded as
# `appliance_file_magics` on first use (kernel_magics.py).
import os
import re
import sys

from appliance_magics import MagicError, _kernel


def write_file(argument, body):
    """%%writefile [-a|--append] FILE: saves the cell's text (e.g. a script for `!python FILE`)."""
    import shlex
    words = shlex.split(argument)
    append = bool(words) and words[0] in ("-a", "--append")
    if append:
        words = words[1:]
    if len(words) != 1:
        raise MagicError("%%writefile needs one file name: %%writefile [-a] FILE")
    path = os.path.expanduser(words[0])
    existed = os.path.exists(path)
    with open(path, "a" if append else "w", encoding="utf-8") as handle:
        handle.write(body if body.endswith("\n") or not body else body + "\n")
    print("%s %s" % ("Appending to" if append else "Overwriting" if existed else "Writing", words[0]))


def run_script(argument, ns):
    """%run FILE [ARGS]: runs a script as __main__ with those sys.argv, then keeps its globals here."""
    import runpy
    import shlex
    words = shlex.split(argument)
    if not words:
        raise MagicError("%run needs a file: %run FILE [ARGS]")
    if not os.path.isfile(words[0]):
        raise MagicError("%%run: no file %s in %s" % (words[0], os.getcwd()))
    saved = sys.argv
    sys.argv = words
    try:
        result = runpy.run_path(words[0], run_name="__main__")
    except SystemExit as exit:
        if exit.code not in (None, 0):  # argparse's --help or a clean sys.exit() is not an error
            raise
        return
    finally:
        sys.argv = saved
    ns.update((name, value) for name, value in result.items() if not name.startswith("__"))


_LOAD_USAGE = "%load [-r LINES] FILE puts the file's text into this cell (run the cell again to execute it); LINES like 5-10, 3, 12- or 1-4,9"


def load_into_cell(argument):
    """%load FILE: the cell's source becomes `# %load FILE` and the file's text, as in IPython (an
    exercise's starting code or its solution); nothing runs until the student runs the cell again."""
    import shlex
    try:
        words = shlex.split(argument)
    except ValueError as error:
        raise MagicError("%s (%s)" % (_LOAD_USAGE, error))
    wanted = None
    if len(words) >= 2 and words[0] == "-r":
        wanted, words = words[1], words[2:]
    if len(words) != 1:
        raise MagicError(_LOAD_USAGE)
    path = words[0]
    if re.match(r"^[a-z]+://", path):
        raise MagicError("%load: this appliance has no internet access; load a file from your workspace")
    if not os.path.isfile(path):
        raise MagicError("%%load: no file %s in %s" % (path, os.getcwd()))
    with open(path, encoding="utf-8", errors="replace") as handle:
        lines = handle.read().split("\n")
    if wanted is not None:
        lines = [line for number, line in enumerate(lines, 1) if _in_ranges(number, wanted)]
    _kernel().emit("set_next_input", {"text": "# %%load %s\n%s" % (argument.strip(), "\n".join(lines).rstrip("\n")), "replace": True})


def _in_ranges(number, wanted):
    for part in wanted.split(","):
        match = re.match(r"^(\d*)(-?)(\d*)$", part.strip())
        if match is None or not (match.group(1) or match.group(3)):
            raise MagicError(_LOAD_USAGE)
        first = int(match.group(1)) if match.group(1) else 1
        last = (int(match.group(3)) if match.group(3) else float("inf")) if match.group(2) else first
        if first <= number <= last:
            return True
    return False
