#!/usr/bin/python3
"""Anchor: how long stock Jupyter takes to give a fresh ipykernel. `KernelManager.start_kernel()`
(the spawn alone), then spawn + channels + `wait_for_ready()` (the kernel answers), and a graceful
shutdown. One warm-up start is not counted (it fills the page cache).

    /usr/bin/python3 bench/kernel/anchors/ipykernel_start.py [N=5]
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from figures import note, report  # noqa: E402
from jupyter_client import KernelManager  # noqa: E402


def start_once():
    """Returns (spawn ms, spawn-to-ready ms, shutdown ms) of one kernel."""
    manager = KernelManager(kernel_name="python3")
    started = time.perf_counter()
    manager.start_kernel()
    spawned = time.perf_counter()
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        ready = time.perf_counter()
    finally:
        client.stop_channels()
    stopping = time.perf_counter()
    manager.shutdown_kernel(now=False)
    stopped = time.perf_counter()
    return (spawned - started) * 1e3, (ready - started) * 1e3, (stopped - stopping) * 1e3


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    warm_up = start_once()
    note(f"warm-up start (not counted): until ready {warm_up[1]:.1f} ms")
    runs = [start_once() for _ in range(count)]
    report("jc_kernel_start_spawn", [run[0] for run in runs], "ms")
    report("jc_kernel_start_until_ready", [run[1] for run in runs], "ms")
    report("jc_kernel_shutdown_graceful", [run[2] for run in runs], "ms")


if __name__ == "__main__":
    main()
