#!/usr/bin/python3
"""Anchor: the memory of a stock ipykernel, idle after its start and after `import torch`, read as
the kernel process's resident set from /proc (what `ps -o rss=` shows). N fresh kernels; the first
`import torch` in each is timed as a cell until the kernel is idle again.

    /usr/bin/python3 bench/kernel/anchors/ipykernel_rss.py [N=3]
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from figures import note, report  # noqa: E402
from jupyter_client import KernelManager  # noqa: E402


def resident_mib(pid):
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def run_cell(client, code):
    """Runs `code` and returns the seconds until the kernel reported idle for it."""
    started = time.perf_counter()
    message_id = client.execute(code)
    while True:
        message = client.get_iopub_msg(timeout=120)
        if (message["parent_header"].get("msg_id") == message_id and message["msg_type"] == "status"
                and message["content"]["execution_state"] == "idle"):
            return time.perf_counter() - started


def measure_one():
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        run_cell(client, "x = 1")
        time.sleep(0.5)  # let start-up's lazy imports settle before reading the idle figure
        pid = manager.provisioner.pid
        idle = resident_mib(pid)
        import_seconds = run_cell(client, "import torch")
        after_torch = resident_mib(pid)
        return idle, after_torch, import_seconds * 1e3, pid
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    runs = [measure_one() for _ in range(count)]
    note(f"{count} fresh kernels (python3 kernelspec); RSS from /proc/PID/status VmRSS, MiB")
    report("ipykernel_rss_idle", [run[0] for run in runs], "MiB")
    report("ipykernel_rss_after_import_torch", [run[1] for run in runs], "MiB")
    report("ipykernel_first_import_torch_until_idle", [run[2] for run in runs], "ms")


if __name__ == "__main__":
    main()
