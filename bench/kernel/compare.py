#!/usr/bin/python3
"""Prints each appliance figure next to its Jupyter anchor (same run) and the issue's target."""
import re
import sys

figures = {}
notes = []
for line in open(sys.argv[1], encoding="utf-8"):
    match = re.match(r"^(\w+): median=([\d.]+) p99=([\d.]+) (\S+)", line)
    if match:
        figures[match.group(1)] = (float(match.group(2)), match.group(4))
    elif "lines delivered" in line or "of 1000000 lines" in line:
        notes.append(line.strip())


def get(name, scale=1.0):
    value = figures.get(name)
    return None if value is None else value[0] * scale


def jupyter_million_percent():
    for line in notes:
        match = re.search(r"(\d+) of 1000000 lines delivered, \d+ rate", line)
        if match:
            return int(match.group(1)) / 1e4
    return None


rows = [
    ("warm `x = 1` round trip, back to back (ms)", get("appliance_http_execute_x1_back_to_back", 1e-3),
     get("jpserver_ws_execute_until_idle", 1e-3), "≤ ¼ of Jupyter", lambda a, j: a <= j / 4),
    ("warm `x = 1` round trip, after 0.25 s pause (ms)", get("appliance_http_execute_x1_after_pause", 1e-3),
     get("jpserver_ws_execute_x1_spaced_until_idle", 1e-3) or get("jpserver_ws_execute_spaced_until_idle", 1e-3), "≤ ¼ of Jupyter", lambda a, j: a <= j / 4),
    ("  floor: bare GET /healthz after the same pause (ms)", get("appliance_http_healthz_after_pause", 1e-3), None, "reference", lambda a, j: True),
    ("  floor: 3 processes relaying, same pause (ms)", get("relay_three_processes_after_pause", 1e-3), None, "reference", lambda a, j: True),
    ("cold worker: start to first result (ms)", get("appliance_cold_worker_first_result"),
     get("jc_kernel_start_until_ready"), "≤ 0.3× Jupyter", lambda a, j: a <= 0.3 * j),
    ("prestarted worker: first result (ms)", get("appliance_prestarted_worker_first_result"), None, "≤ 50 ms", lambda a, j: a <= 50),
    ("100k-line cell until done (ms)", get("appliance_print100k_until_done"),
     get("jpserver_ws_print100k_until_idle"), "≤ Jupyter", lambda a, j: a <= j),
    ("1M-line cell: lines delivered (%)", get("appliance_print1m_delivered_percent"), jupyter_million_percent(), "100 %", lambda a, j: a >= 100),
    ("idle kernel RSS (MiB)", get("appliance_worker_rss_idle"), get("ipykernel_rss_idle"), "report", lambda a, j: True),
    ("second torch cell (ms)", get("appliance_second_torch_cell"),
     get("subproc_cell_import_torch_wall"), "≤ 5 ms (anchor: old design)", lambda a, j: a <= 5),
]
print(f"{'figure':52} {'appliance':>10} {'anchor':>10}  target")
for name, ours, anchor, target, ok in rows:
    def fmt(value):
        return "n/a" if value is None else f"{value:.1f}"
    if ours is None or target in ("report", "reference"):
        verdict = ""
    elif anchor is None and "Jupyter" in target:
        verdict = "no anchor in this run"  # ONLY=appliance: nothing to compare with
    else:
        verdict = "met" if ok(ours, anchor if anchor is not None else 0) else "NOT met"
    print(f"{name:52} {fmt(ours):>10} {fmt(anchor):>10}  {target} {verdict}")
