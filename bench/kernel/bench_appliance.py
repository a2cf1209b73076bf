#!/usr/bin/python3
"""The appliance's side of the kernel benchmark, through its real HTTP API (POST /api/execute/stream,
SSE until the done event). Expects a running appliance at --url; prints `name: median=… p99=… unit`
lines like the Jupyter anchor scripts (anchors/figures.py)."""
import argparse
import http.client
import json
import os
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "anchors"))
sys.dont_write_bytecode = True
from figures import note, report  # noqa: E402

NS = time.perf_counter_ns


class Client:
    def __init__(self, url):
        parts = urllib.parse.urlparse(url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port)
        self.token = None

    def request(self, method, path, body=None):
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        self.connection.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        return self.connection.getresponse()

    def json(self, method, path, body=None):
        response = self.request(method, path, body)
        data = response.read()
        if response.status >= 300:
            raise RuntimeError(f"{method} {path}: {response.status} {data[:300]!r}")
        return json.loads(data) if data else None

    def sign_up(self, name):
        self.json("POST", "/api/auth/register", {"username": name, "password": "benchmark password"})
        self.token = self.json("POST", "/api/auth/login", {"username": name, "password": "benchmark password"})["token"]
        project = self.json("POST", "/api/projects", {"name": "bench"})
        self.notebook = self.json("POST", f"/api/projects/{project['id']}/notebooks", {"name": "bench"})["id"]

    def run(self, code):
        """Executes a cell; returns (events, seconds until the done event)."""
        started = NS()
        response = self.request("POST", "/api/execute/stream", {"notebookId": self.notebook, "code": code})
        events = []
        while True:
            line = response.readline()
            if not line:
                break
            if line.startswith(b"data: "):
                event = json.loads(line[6:])
                events.append(event)
                if event["type"] == "done":
                    elapsed = (NS() - started) / 1e9
                    response.read()  # the server ends the stream right after done
                    return events, elapsed
        raise RuntimeError("stream ended without done: %r" % events[-3:])


def stdout_lines(events):
    return "".join(e["text"] for e in events if e["type"] == "stdout").count("\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--n", type=int, default=300)
    args = parser.parse_args()
    run_id = str(int(time.time()))

    client = Client(args.url)
    client.sign_up("bench" + run_id)
    client.run("x = 1")
    for _ in range(30):
        client.run("x = 1")
    samples = [client.run("x = 1")[1] * 1e6 for _ in range(args.n)]
    report("appliance_http_execute_x1_back_to_back", samples, "us")
    spaced = []
    for _ in range(50):
        time.sleep(0.25)
        spaced.append(client.run("x = 1")[1] * 1e6)
    report("appliance_http_execute_x1_after_pause", spaced, "us")
    # The floor under that figure on this machine: the cheapest request the web process answers
    # (GET /healthz: no sign-in, no database, no kernel), after the same pause, on the same connection.
    floor = []
    for _ in range(50):
        time.sleep(0.25)
        started = NS()
        response = client.request("GET", "/healthz")
        response.read()
        floor.append((NS() - started) / 1e3)
    report("appliance_http_healthz_after_pause", floor, "us")

    cold, warm, rss = [], [], []
    for i in range(5):
        fresh = Client(args.url)
        fresh.sign_up(f"cold{run_id}x{i}")
        events, seconds = fresh.run("x = 1")
        assert events[-1]["status"] == "ok", events
        cold.append(seconds * 1e3)
        time.sleep(1.2)  # one stats message (1 s period) after start
        rss.append(fresh.json("GET", "/api/kernel")["rssBytes"] / 2**20)
        spare = Client(args.url)
        spare.sign_up(f"spare{run_id}x{i}")
        spare.json("POST", "/api/kernel/start")
        events, seconds = spare.run("x = 1")
        warm.append(seconds * 1e3)
        fresh.json("POST", "/api/kernel/restart")  # keep at most a few workers alive
    report("appliance_cold_worker_first_result", cold, "ms")
    report("appliance_prestarted_worker_first_result", warm, "ms")
    report("appliance_worker_rss_idle", rss, "MiB")

    lines = []
    times = []
    for _ in range(6):
        time.sleep(0.5)
        events, seconds = client.run("for i in range(100000): print(i)")
        times.append(seconds * 1e3)
        lines.append(stdout_lines(events))
    report("appliance_print100k_until_done", times[1:], "ms")
    note(f"print100k: lines received per run {lines[1:]} (expected 100000)")

    events, seconds = client.run("for i in range(1000000): print(i)")
    delivered = stdout_lines(events)
    note(f"probe 1,000,000 lines: {seconds * 1e3:.0f} ms until done, {len(events)} events, {delivered} of 1000000 lines delivered ({delivered / 1e4:.1f} %)")
    print(f"appliance_print1m_delivered_percent: median={delivered / 1e4:.1f} p99={delivered / 1e4:.1f} %")

    events, first_torch = client.run("import torch; t = torch.ones(3)")
    assert events[-1]["status"] == "ok", events
    note(f"first `import torch; t = torch.ones(3)` in a warm worker: {first_torch * 1e3:.0f} ms")
    again = [client.run("import torch; t = torch.ones(3)")[1] * 1e3 for _ in range(20)]
    report("appliance_second_torch_cell", again, "ms")
    time.sleep(1.2)
    note(f"worker RSS after import torch: {client.json('GET', '/api/kernel')['rssBytes'] / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
