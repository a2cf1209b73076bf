#!/usr/bin/python3
"""Where a cold worker's start goes: starts the appliance's worker alone (`kernel --socket …`, with
--libpython given as the web process gives it, no bwrap or cgroup), listening on the socket in place
of the web process, and times spawn -> connect -> `started`, with the worker's own stage marks
(NANOCHAT_KERNEL_TRACE=1: pythonnet Initialize, the appliance's modules, install).

    /usr/bin/python3 bench/kernel/worker_start.py BINARY [N=8]   (BINARY: the published single file,
    or "dotnet path/NanoChat.Appliance.dll")
"""
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import sysconfig
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "anchors"))
sys.dont_write_bytecode = True
from figures import note, report  # noqa: E402

STAGE = re.compile(r"(pythonnet Initialize|appliance modules|install) at (\d+) ms")


def read_frame(connection):
    def exactly(count):
        data = b""
        while len(data) < count:
            chunk = connection.recv(count - len(data))
            if not chunk:
                raise RuntimeError("the worker closed its socket before saying started")
            data += chunk
        return data
    (length,) = struct.unpack(">I", exactly(4))
    return exactly(length)


def libpython():
    # As the appliance finds it (Kernels/PythonLocator): INSTSONAME in LIBDIR or LIBDIR/MULTIARCH.
    name, folder = sysconfig.get_config_var("INSTSONAME"), sysconfig.get_config_var("LIBDIR")
    for candidate in (os.path.join(folder, name), os.path.join(folder, sysconfig.get_config_var("MULTIARCH") or "", name)):
        if os.path.exists(candidate):
            return candidate
    raise SystemExit("no %s in %s: apt-get install libpython%s" % (name, folder, sysconfig.get_python_version()))


def one_start(command, folder, index):
    path = os.path.join(folder, "w%d.sock" % index)
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(path)
    listener.listen(1)
    listener.settimeout(30)
    env = dict(os.environ, NANOCHAT_KERNEL_TRACE="1", HOME=folder)
    arguments = command + ["kernel", "--socket", path, "--user", "bench", "--python", sys.executable,
                           "--libpython", libpython(), "--python-version", sysconfig.get_python_version()]
    failure = None
    started = time.perf_counter()
    worker = subprocess.Popen(arguments, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        connection, _ = listener.accept()
        connected = time.perf_counter()
        message = read_frame(connection)
        ready = time.perf_counter()
        if b"started" not in message:
            failure = "its first message was not 'started': %r" % message[:200]
    except (OSError, RuntimeError) as error:
        failure = str(error)
    finally:
        worker.kill()
        trace = worker.stderr.read().decode(errors="replace")
        worker.wait()
        listener.close()
    if failure:
        raise RuntimeError("the worker did not start: %s\n%s" % (failure, trace[-2000:]))
    stages = {name: int(ms) for name, ms in STAGE.findall(trace)}
    return (connected - started) * 1e3, (ready - started) * 1e3, stages


def main():
    command = sys.argv[1].split()
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    folder = tempfile.mkdtemp(prefix="nanochat-worker-start-")
    try:
        one_start(command, folder, 0)  # the first start may unpack the bundle into HOME: not counted
        runs = [one_start(command, folder, i + 1) for i in range(count)]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    note("worker alone (no bwrap, no cgroup), %d starts after one warm-up: %s" % (count, " ".join(command)))
    report("worker_start_connected", [r[0] for r in runs], "ms", 1)
    report("worker_start_started", [r[1] for r in runs], "ms", 1)
    note("stage marks below count from the moment the worker began loading Python (after .NET started)")
    for stage in ("pythonnet Initialize", "appliance modules", "install"):
        marks = [r[2][stage] for r in runs if stage in r[2]]
        if marks:
            report("worker_stage_" + stage.replace(" ", "_").lower() + "_done", marks, "ms", 0)


if __name__ == "__main__":
    main()
