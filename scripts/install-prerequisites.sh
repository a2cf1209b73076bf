#!/usr/bin/env bash
# Installs what the appliance (and, with --tests, its tests) needs on Debian 12, only when missing:
#   runtime: bubblewrap (kernel sandbox), Debian's python3 with libpython, venv, numpy, torch (CPU), matplotlib,
#            and what course notebooks commonly import besides: pandas (nanochat's and nanoGPT's analysis
#            notebooks), graphviz with its `dot` (micrograd's draw_dot), tqdm (training loops' progress bars)
#   tests:   chromium (browser tests), systemd (systemd-analyze), iproute2 (a second host in a network
#            namespace for the kernels' network tests), PowerShell 7 as a .NET tool (publish.ps1)
# npm and NuGet packages are restored by the build itself.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(bubblewrap python3 python3-venv libpython3.11 python3-numpy python3-torch python3-matplotlib
          python3-pandas python3-graphviz graphviz python3-tqdm)
if [[ "${1:-}" == "--tests" ]]; then
  packages+=(chromium systemd python3-nbformat iproute2)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if ((${#missing[@]})); then
  echo "Installing from apt: ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ "${1:-}" == "--tests" && ! -x .tools/pwsh ]]; then
  echo "Installing PowerShell 7 as a local .NET tool (for publish.ps1)"
  # Pinned: 7.6.x runs on .NET 10; a newer PowerShell may need a newer runtime than this SDK brings.
  dotnet tool install --tool-path .tools PowerShell --version 7.6.9 >/dev/null
fi
