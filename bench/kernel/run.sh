#!/bin/sh
# Kernel benchmark, one command: builds the appliance (Release), installs Debian's Jupyter if
# missing, runs the appliance's figures through its HTTP API and the Jupyter anchor scripts
# (anchors/, stock Jupyter measured the same way) in the same run, then prints each figure next to
# its anchor and target. Usage: sh bench/kernel/run.sh   (as root, or with sudo for apt-get)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
ANCHORS="$HERE/anchors"
OUT="$REPO/bench/out/kernel"
PORT=${PORT:-5077}
mkdir -p "$OUT"

if ! /usr/bin/python3 -c "import jupyter_server, ipykernel, jupyter_client, websocket" 2>/dev/null; then
    echo "# installing Debian's Jupyter (the anchors' setup)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-jupyter-client python3-ipykernel jupyter-server \
        python3-websocket python3-torch python3-numpy python3-matplotlib >/dev/null
fi

# The binary that ships (single file, ReadyToRun): every kernel is a fresh start of it, so its
# start-up is part of the cold-worker figure. BUILD=dll measures `dotnet build` output instead.
if [ "${BUILD:-}" = dll ]; then
    echo "# building the appliance (Release, framework-dependent dll)"
    dotnet build "$REPO/NanoChat.Appliance" -c Release -o "$OUT/app" -v q -nologo >"$OUT/build.log" 2>&1 || { tail -20 "$OUT/build.log"; exit 1; }
    APP="dotnet $OUT/app/NanoChat.Appliance.dll"
else
    echo "# publishing the appliance (the shipped single file; a few minutes)"
    dotnet publish "$REPO/NanoChat.Appliance" -c Release -r linux-x64 -o "$OUT/published" -v q -nologo >"$OUT/build.log" 2>&1 || { tail -20 "$OUT/build.log"; exit 1; }
    APP="$OUT/published/NanoChat.Appliance"
fi

# Something else answering on the port would be measured instead of the appliance (it happened).
if curl -sS -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null; then
    echo "port $PORT is taken by another server: stop it, or run with PORT=<a free port>" >&2
    exit 1
fi
DATA=$(mktemp -d /tmp/nanochat-bench-XXXXXX)
$APP serve --data "$DATA" --urls "http://127.0.0.1:$PORT" --python /usr/bin/python3 >"$OUT/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
    kill -0 $SERVER 2>/dev/null || break
    sleep 0.1
done
if ! kill -0 $SERVER 2>/dev/null || ! curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then
    echo "the appliance did not come up; its log:" >&2
    tail -20 "$OUT/serve.log" >&2
    exit 1
fi

RESULTS="$OUT/results.txt"
{
    echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(hostname) nproc=$(nproc) load: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "## appliance (HTTP API, SSE)"
    /usr/bin/python3 "$HERE/bench_appliance.py" --url "http://127.0.0.1:$PORT"
    kill $SERVER; wait $SERVER 2>/dev/null || true
    echo "## the machine's floor: three processes relaying one message after a pause"
    /usr/bin/python3 "$HERE/relay_floor.py"
    echo "## where a cold worker's start goes: the worker alone, its stage marks (a diagnostic)"
    /usr/bin/python3 "$HERE/worker_start.py" "$APP" 8
    if [ "${ONLY:-}" = appliance ]; then echo "# complete"; exit 0; fi
    echo "## jupyter_server (anchor)"
    /usr/bin/python3 "$ANCHORS/jupyter_server_ws.py" --n 300 --warmup 30 --reps 5
    echo "## jupyter_client kernel start (anchor)"
    /usr/bin/python3 "$ANCHORS/ipykernel_start.py" 5
    echo "## ipykernel RSS (anchor)"
    /usr/bin/python3 "$ANCHORS/ipykernel_rss.py" 3
    echo "## subprocess per cell (the old design)"
    /usr/bin/python3 "$ANCHORS/subprocess_cell.py" 5
    echo "# complete"
} | tee "$RESULTS"

echo
/usr/bin/python3 "$HERE/compare.py" "$RESULTS"
# The block above stops at its first failing step, but a pipeline's status is tee's: say so here.
if ! grep -qx "# complete" "$RESULTS"; then
    echo "the run stopped early (see the error above): the figures it did not reach are n/a" >&2
    exit 1
fi
