#!/usr/bin/python3
"""The machine's floor under the after-pause figure: three Python processes pass one small message
(client -TCP-> relay -Unix socket-> echo, and back) after a 0.25 s pause, as a cell's request crosses
client, web process and worker. No HTTP, no sign-in, no database: only the processes, sockets and
wake-ups, so what the appliance takes beyond this is the length of its own path."""
import os
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "anchors"))
sys.dont_write_bytecode = True
from figures import report  # noqa: E402

MESSAGE = b"x = 1\n" * 20


def echo(path):
    server = socket.socket(socket.AF_UNIX)
    server.bind(path + ".new")
    server.listen(1)
    os.rename(path + ".new", path)  # the path appears only once connecting to it works
    connection, _ = server.accept()
    while data := connection.recv(4096):
        connection.sendall(data)


def relay(path, port_file):
    upstream = socket.socket(socket.AF_UNIX)
    upstream.connect(path)
    server = socket.create_server(("127.0.0.1", 0))
    with open(port_file + ".new", "w") as handle:
        handle.write(str(server.getsockname()[1]))
    os.rename(port_file + ".new", port_file)  # whole or absent: the client waits for it to exist
    connection, _ = server.accept()
    connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    while data := connection.recv(4096):
        upstream.sendall(data)
        connection.sendall(upstream.recv(4096))


def wait_for(path):
    for _ in range(500):
        if os.path.exists(path):
            return
        time.sleep(0.01)
    raise RuntimeError("%s never appeared" % path)


def main():
    with tempfile.TemporaryDirectory() as folder:
        path, port_file = os.path.join(folder, "echo.sock"), os.path.join(folder, "port")
        children = [subprocess.Popen([sys.executable, __file__, "echo", path])]
        client = None
        try:
            wait_for(path)
            children.append(subprocess.Popen([sys.executable, __file__, "relay", path, port_file]))
            wait_for(port_file)
            client = socket.create_connection(("127.0.0.1", int(open(port_file).read())))
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            samples = []
            for i in range(60):
                time.sleep(0.25)
                started = time.perf_counter_ns()
                client.sendall(MESSAGE)
                received = 0
                while received < len(MESSAGE):
                    received += len(client.recv(4096))
                if i >= 10:
                    samples.append((time.perf_counter_ns() - started) / 1e3)
            report("relay_three_processes_after_pause", samples, "us")
        finally:
            # A child left behind would hold run.sh's output pipe open, and run.sh would never end.
            if client is not None:
                client.close()
            for child in children:
                try:
                    child.wait(5)
                except subprocess.TimeoutExpired:
                    child.kill()


if __name__ == "__main__":
    if sys.argv[1:2] == ["echo"]:
        echo(sys.argv[2])
    elif sys.argv[1:2] == ["relay"]:
        relay(sys.argv[2], sys.argv[3])
    else:
        main()
