#!/usr/bin/env bash
# The Debian packages the test suite drives for real (run as root, or with sudo):
#   chromium                        the browser that publishes and plays through the real LiveKit
#   redis-server                    the Redis two real LiveKit servers share in the cluster test (LiveKit's distributed mode)
#   ffmpeg                          the RTSP relay sidecar, and the tests' RTMP receiver
#   gir1.2-gst-rtsp-server-1.0 …    GStreamer's RTSP server: a real camera on loopback
#   wrk                             the HTTP load generator of `npm run bench`
#   caddy                           the front door (selfhost/Caddyfile), run by the tests with its internal CA
#   python3-venv                    for Schemathesis (PyPI, pinned in test/fuzz/requirements.txt),
#                                   installed into .cache/schemathesis/venv (not as root)
#   prometheus                      promtool and a real Prometheus, which check and scrape /metrics
# Production nodes need only ffmpeg (for the relay). The real LiveKit server the
# tests run is built by the tests themselves from its pinned Go module (Go must
# be installed: `go version`), see selfhost/livekit/build.sh.
set -euo pipefail
packages=(chromium ffmpeg python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly wrk caddy python3-venv redis-server prometheus)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${missing[@]}"
fi

# Schemathesis, exactly as pinned, in a venv of the project's own (rebuilt when the pins change).
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.cache/schemathesis/venv"
requirements="$root/test/fuzz/requirements.txt"
if ! cmp -s "$requirements" "$venv/requirements.txt"; then
  rm -rf "$venv"
  # Debian's Python, whose venv module python3-venv provides (not whichever python3 a shell finds first).
  python=/usr/bin/python3
  [ -x "$python" ] || python=python3
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps -r "$requirements"
  cp "$requirements" "$venv/requirements.txt"
fi
