#!/usr/bin/python3
"""Chat speed: the appliance (HTTP API → student's kernel) against a plain Python process (the anchor).

Both sides sample the same checkpoint with the same code (appliance_chat.TinyGptChat), warm model,
same prompt, max tokens, temperature and top-k. Figures: time to first token (median of N replies)
and tokens per second after the first token. The appliance's overhead should be within 10 %.
"""
import argparse
import http.client
import importlib.util
import json
import statistics
import sys
import time
import types
import urllib.parse

CONFIG = dict(block_size=64, n_embd=96, n_head=4, n_layer=3)  # the CPU tutorial's model
TOKENS, REPLIES, PROMPT = 200, 7, "The teacher wrote on the board"

MAKE_CHECKPOINT = """
import os, torch, appliance, appliance_chat
vocab = sorted(set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,;:!?'\\n"))
config = dict(vocab_size=len(vocab), **%s)
torch.manual_seed(0)
model = appliance_chat.tiny_gpt_class()(**config)
os.makedirs("checkpoints", exist_ok=True)
torch.save({"format": "nanochat-appliance/tiny-gpt", "format_version": 1, "config": config, "vocab": vocab,
            "model_state_dict": model.state_dict(), "step": 0}, "checkpoints/bench.pt")
appliance.register_checkpoint("checkpoints/bench.pt", name="bench", kind="tiny-gpt", step=0)
print(os.path.abspath("checkpoints/bench.pt"))
""" % repr(CONFIG)


class Api:
    def __init__(self, url):
        parts = urllib.parse.urlparse(url)
        self.host, self.port, self.token = parts.hostname, parts.port, None

    def call(self, method, path, body=None):
        connection = http.client.HTTPConnection(self.host, self.port)
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        connection.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        return connection.getresponse()

    def json(self, method, path, body=None):
        response = self.call(method, path, body)
        data = response.read()
        if response.status >= 300:
            raise RuntimeError(f"{method} {path}: {response.status} {data[:300]!r}")
        return json.loads(data) if data else None

    def events(self, method, path, body):
        response = self.call(method, path, body)
        if response.status >= 300:
            raise RuntimeError(f"{method} {path}: {response.status} {response.read()[:300]!r}")
        while True:
            line = response.readline()
            if not line:
                return
            if line.startswith(b"data: "):
                yield json.loads(line[6:])


def measure(stream):
    """(seconds to the first token, tokens per second after it) for one reply."""
    started = time.perf_counter()
    first = last = None
    count = 0
    for _ in stream:
        count += 1
        last = time.perf_counter()
        first = first or last
    return first - started, (count - 1) / (last - first)


def appliance_setup(api):
    api.json("POST", "/api/auth/register", {"username": "bench", "password": "benchmark password"})
    api.token = api.json("POST", "/api/auth/login", {"username": "bench", "password": "benchmark password"})["token"]
    project = api.json("POST", "/api/projects", {"name": "bench"})
    notebook = api.json("POST", f"/api/projects/{project['id']}/notebooks", {"name": "bench"})["id"]
    path = None
    for event in api.events("POST", "/api/execute/stream", {"notebookId": notebook, "code": MAKE_CHECKPOINT}):
        if event["type"] == "stdout":
            path = event["text"].strip().splitlines()[-1]
        if event["type"] == "error":
            raise RuntimeError("".join(event["traceback"]))
    checkpoint = api.json("GET", "/api/checkpoints")[0]["id"]
    request = {"checkpoint": checkpoint, "messages": [{"role": "user", "content": PROMPT}],
               "maxTokens": TOKENS, "temperature": 0.8, "topK": 20}

    def reply():
        for event in api.events("POST", "/api/chat", request):
            if event["type"] == "token":
                yield event["text"]
            elif event["type"] == "error":
                raise RuntimeError(event["message"])
    return path, reply


def anchor_setup(module_path, checkpoint_path):
    sys.modules["appliance"] = types.SimpleNamespace(display=lambda *a, **k: None)
    spec = importlib.util.spec_from_file_location("appliance_chat", module_path)
    chat = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(chat)
    model = chat.TinyGptChat(checkpoint_path)
    messages = [{"role": "user", "content": PROMPT}]
    return lambda: model.stream(messages, TOKENS, 0.8, 20)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--module", required=True)
    args = parser.parse_args()
    path, appliance_reply = appliance_setup(Api(args.url))
    anchor_reply = anchor_setup(args.module, path)
    # Alternate the two sides reply by reply, so both see the same machine load; the first reply
    # of each loads the model (warm-up, not counted).
    appliance_runs, anchor_runs = [], []
    for reply in range(REPLIES + 1):
        appliance = measure(appliance_reply())
        anchor = measure(anchor_reply())
        if reply:
            appliance_runs.append(appliance)
            anchor_runs.append(anchor)
    first = statistics.median(run[0] for run in appliance_runs)
    rate = statistics.median(run[1] for run in appliance_runs)
    anchor_first = statistics.median(run[0] for run in anchor_runs)
    anchor_rate = statistics.median(run[1] for run in anchor_runs)
    print(f"# tiny GPT {CONFIG}, {TOKENS} tokens per reply, median of {REPLIES} warm replies")
    print(f"{'figure':<28}{'appliance':>12}{'plain python':>14}{'overhead':>10}")
    print(f"{'time to first token (ms)':<28}{first * 1000:>12.1f}{anchor_first * 1000:>14.1f}{'':>10}")
    overhead = (anchor_rate - rate) / anchor_rate * 100
    print(f"{'tokens per second':<28}{rate:>12.1f}{anchor_rate:>14.1f}{overhead:>9.1f}%")
    print("target: tokens/s within 10 % of the plain script:", "met" if overhead <= 10 else "NOT met")


if __name__ == "__main__":
    main()
