#!/bin/sh
# Builds the LiveKit server pinned in go.mod beside this script, from its Go
# module, with the ordinary Go toolchain. No LiveKit source or binary lives in
# the repository: the module proxy serves the source, go.sum pins its hashes.
#
# The binary is cached at $LIVEKIT_CACHE_DIR/<version>/livekit-server
# (LIVEKIT_CACHE_DIR defaults to <repo>/.cache/livekit, which git ignores), so
# a second run reuses it without calling go at all. Bumping the version in
# go.mod builds into a new folder.
#
# Progress goes to stderr; the last line on stdout is the binary's absolute
# path, so callers can do: LIVEKIT=$(sh selfhost/livekit/build.sh | tail -n 1)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

# Read the pin from go.mod itself so there is one place to change it.
version=$(awk '$1 == "github.com/livekit/livekit-server" { print $2; exit }' "$here/go.mod")
if [ -z "$version" ]; then
  echo "build.sh: github.com/livekit/livekit-server is not required in $here/go.mod" >&2
  exit 1
fi

dir="${LIVEKIT_CACHE_DIR:-$repo/.cache/livekit}/$version"
bin="$dir/livekit-server"

if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "build.sh: 'go' not found on PATH; install Go >= 1.26 to build livekit-server $version" >&2
  exit 127
fi

echo "build.sh: building livekit-server $version into $dir (first run takes a few minutes)" >&2
mkdir -p "$dir"
tmp="$dir/.livekit-server.$$"
trap 'rm -f "$tmp"' EXIT INT TERM

# CGO_ENABLED=0 as upstream's Dockerfile does; -mod=readonly so a stray
# GOFLAGS=-mod=mod cannot rewrite go.mod; -trimpath keeps local paths out.
(
  cd "$here"
  CGO_ENABLED=0 go build -mod=readonly -trimpath -o "$tmp" \
    github.com/livekit/livekit-server/cmd/server
)
# Rename last, so an interrupted build never leaves a binary to be reused.
mv -f "$tmp" "$bin"
trap - EXIT INT TERM

echo "build.sh: built $bin" >&2
echo "$bin"
