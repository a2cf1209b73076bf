#!/usr/bin/python3
"""Anchor: stock Jupyter end to end, the way a browser uses it. Starts its own `jupyter server`
(token auth, a temporary root folder, a free port), creates a kernel through the REST API and sends
`execute_request` frames over the kernel's websocket (`/api/kernels/<id>/channels`), as JupyterLab
does. Times `x = 1` back to back and after a pause each, a 100,000-line cell until idle, and how much
of a 1,000,000-line cell the server's iopub rate limit lets through. Then it deletes the kernel,
stops the server by its pid and checks the kernel process is gone.

    /usr/bin/python3 bench/kernel/anchors/jupyter_server_ws.py [--n 300] [--warmup 30] [--reps 5]
        [--spaced-n 50] [--gap 0.25]
"""
import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from figures import note, report  # noqa: E402
import websocket  # noqa: E402  (Debian's python3-websocket)

TOKEN = "anchor-" + uuid.uuid4().hex


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rest(base, method, path, body=None):
    request = urllib.request.Request(f"{base}{path}", method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        text = answer.read()
        return json.loads(text) if text else None


class KernelSocket:
    """One kernel's channels websocket: sends execute requests, reads replies as JSON frames."""

    def __init__(self, url):
        self.connection = websocket.create_connection(url, header=[f"Authorization: token {TOKEN}"], timeout=120)
        self.session = uuid.uuid4().hex

    def execute(self, code):
        message_id = uuid.uuid4().hex
        self.connection.send(json.dumps({
            "header": {"msg_id": message_id, "msg_type": "execute_request", "session": self.session, "username": "bench",
                       "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False},
        }))
        return message_id

    def run(self, code):
        """Runs a cell; returns (seconds until its idle status, stream messages, lines, rate-limit warnings)."""
        started = time.perf_counter()
        message_id = self.execute(code)
        streams = lines = warnings = 0
        while True:
            message = json.loads(self.connection.recv())
            if message.get("parent_header", {}).get("msg_id") != message_id:
                continue
            kind = message["msg_type"]
            if kind == "stream":
                text = message["content"]["text"]
                if "rate exceeded" in text:  # "IOPub data rate exceeded." and the message-rate one
                    warnings += 1  # the server's own notice, not the cell's output
                else:
                    streams += 1
                    lines += text.count("\n")
            elif kind == "status" and message["content"]["execution_state"] == "idle":
                return time.perf_counter() - started, streams, lines, warnings

    def close(self):
        self.connection.close()


def start_server(root, port):
    command = ["/usr/bin/python3", "-m", "jupyter_server", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.token={TOKEN}", f"--ServerApp.root_dir={root}", "--ServerApp.port_retries=0"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log = open(os.path.join(root, "..", "server.log"), "wb")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=root)
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    while time.perf_counter() - started < 60:
        try:
            rest(base, "GET", "/api/status")
            return server, base, time.perf_counter() - started
        except OSError:
            if server.poll() is not None:
                raise SystemExit("jupyter server exited at start; see its log")
            time.sleep(0.05)
    raise SystemExit("jupyter server did not answer within 60 s")


def measure(kernel, options):
    for _ in range(options.warmup):
        kernel.run("x = 1")
    report("jpserver_ws_execute_until_idle", [kernel.run("x = 1")[0] * 1e6 for _ in range(options.n)], "us")
    note(f"code='x = 1' n={options.n} after {options.warmup} warm-up, via websocket JSON frames")
    spaced = []
    for _ in range(options.spaced_n):
        time.sleep(options.gap)
        spaced.append(kernel.run("x = 1")[0] * 1e6)
    report("jpserver_ws_execute_x1_spaced_until_idle", spaced, "us")
    note(f"code='x = 1' n={options.spaced_n}, each after a {options.gap} s pause")
    runs = [kernel.run("for i in range(100000): print(i)") for _ in range(options.reps)]
    report("jpserver_ws_print100k_until_idle", [run[0] * 1e3 for run in runs], "ms")
    note(f"print100k: lines received per run {[run[2] for run in runs]} (expected 100000), rate-limit warnings {[run[3] for run in runs]}")
    time.sleep(3.5)  # the rate limiter's window, so the probe starts from a clean slate
    seconds, streams, lines, warnings = kernel.run("for i in range(1000000): print(i)")
    note(f"probe 'for i in range(1000000): print(i)' once: {seconds * 1e3:.0f} ms until idle, {streams} stream msgs, "
         f"{lines} of 1000000 lines delivered, {warnings} rate-limit warning msg(s) (server defaults)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--spaced-n", type=int, default=50)
    parser.add_argument("--gap", type=float, default=0.25)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = os.path.join(folder, "root")
        os.mkdir(root)
        server, base, up = start_server(root, free_port())
        kernel_pid = None
        try:
            posted = time.perf_counter()
            kernel_id = rest(base, "POST", "/api/kernels", {"name": "python3"})["id"]
            kernel = KernelSocket(f"ws://127.0.0.1:{base.rsplit(':', 1)[1]}/api/kernels/{kernel_id}/channels")
            kernel.run("import os; print(os.getpid())")
            note(f"jupyter_server up after {up * 1e3:.0f} ms; first execute done {(time.perf_counter() - posted) * 1e3:.0f} ms after POST /api/kernels")
            kernel_pid = int(subprocess.run(["pgrep", "-f", f"kernel-{kernel_id}"], capture_output=True, text=True).stdout.split()[0])
            measure(kernel, options)
            kernel.close()
            rest(base, "DELETE", f"/api/kernels/{kernel_id}")
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        gone = kernel_pid is None or not os.path.exists(f"/proc/{kernel_pid}")
        note("server stopped (SIGTERM to its pid); kernel process " + ("gone" if gone else f"{kernel_pid} STILL RUNNING"))


if __name__ == "__main__":
    main()
