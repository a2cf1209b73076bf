#!/bin/sh
# Chat benchmark, one command: time to first token and tokens per second for the CPU tutorial's
# tiny GPT (its architecture and size: block 64, 96 wide, 4 heads, 3 layers), through the appliance
# (POST /api/chat, generation in the student's own kernel), next to the anchor: the same checkpoint
# sampled by the same code in a plain Python process outside the appliance, in the same run.
# Usage: sh bench/chat/run.sh
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OUT="$REPO/bench/out/chat"
PORT=${PORT:-5078}
mkdir -p "$OUT"

"$REPO/scripts/install-prerequisites.sh"
echo "# building the appliance (Release)"
dotnet build "$REPO/NanoChat.Appliance" -c Release -o "$OUT/app" -v q -nologo >"$OUT/build.log" 2>&1 || { tail -20 "$OUT/build.log"; exit 1; }

DATA=$(mktemp -d /tmp/nanochat-chat-bench-XXXXXX)
dotnet "$OUT/app/NanoChat.Appliance.dll" serve --data "$DATA" --urls "http://127.0.0.1:$PORT" --python /usr/bin/python3 >"$OUT/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done

/usr/bin/python3 "$HERE/bench_chat.py" --url "http://127.0.0.1:$PORT" --data "$DATA" \
    --module "$REPO/NanoChat.Appliance/Chat/Python/appliance_chat.py" | tee "$OUT/results.txt"
