#!/usr/bin/env bash
# The Debian packages the test suite drives for real (run as root, or with sudo):
#   chromium                        the browser that publishes and plays through the real LiveKit
#   redis-server                    the Redis two real LiveKit servers share in the cluster test (LiveKit's distributed mode)
#   ffmpeg                          the RTSP relay sidecar, and the tests' RTMP receiver
#   gir1.2-gst-rtsp-server-1.0 …    GStreamer's RTSP server: a real camera on loopback
#   wrk                             the HTTP load generator of `npm run bench`
#   caddy                           the front door (selfhost/Caddyfile), run by the tests with its internal CA
#   prometheus                      promtool and a real Prometheus, which check and scrape /metrics
# Production nodes need only ffmpeg (for the relay). The real LiveKit server the
# tests run is built by the tests themselves from its pinned Go module (Go must
# be installed: `go version`), see selfhost/livekit/build.sh.
set -euo pipefail
packages=(chromium ffmpeg python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly wrk caddy)
# promtool and Prometheus, for the /metrics tests.
packages+=(prometheus)
missing=()
# The Redis of the cluster test (LiveKit's distributed mode).
packages+=(redis-server)
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq "${missing[@]}"
