#!/usr/bin/python3
"""The old platform's design as an anchor: every cell is written to a file and run by a fresh
`/usr/bin/python3 FILE`, its output piped and read line by line. Times spawn to exit with all output
read, and the child's peak RSS, for three cells. One warm-up run per cell is not counted.

    /usr/bin/python3 bench/kernel/anchors/subprocess_cell.py [N=5]
"""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from figures import note, report  # noqa: E402

CELLS = [
    ("trivial", "x=1"),
    ("import_torch", "import torch; x=torch.ones(3)"),
    ("print100k", "for i in range(100000): print(i)"),
]


def run_once(path):
    """Returns (seconds, lines read, peak RSS in MiB) of one fresh interpreter running `path`."""
    started = time.perf_counter()
    child = subprocess.Popen(["/usr/bin/python3", path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = sum(1 for _ in child.stdout)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{path} exited with {child.returncode}")
    return seconds, lines, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory() as folder:
        for name, code in CELLS:
            path = os.path.join(folder, f"{name}.py")
            with open(path, "w", encoding="utf-8") as cell:
                cell.write(code + "\n")
            run_once(path)
            runs = [run_once(path) for _ in range(count)]
            report(f"subproc_cell_{name}_wall", [seconds * 1e3 for seconds, _, _ in runs], "ms")
            report(f"subproc_cell_{name}_peak_rss", [rss for _, _, rss in runs], "MiB")
            note(f"subproc_cell_{name}: code={code!r} output lines={runs[-1][1]}")
    note(f"interpreter /usr/bin/python3, n={count} after 1 warm-up each, output piped and read line by line")


if __name__ == "__main__":
    main()
