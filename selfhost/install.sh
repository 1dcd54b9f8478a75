#!/usr/bin/env bash
# Installs a StreamHub node on a fresh Debian (12+) or Ubuntu (22.04+) VM, as
# root. Safe to run again: it keeps /etc/streamhub.env and the state in
# /var/lib/streamhub, refreshes the code, the build, the rendered configs and
# the units, and restarts what changed.
#
#   sudo bash selfhost/install.sh --domain live.example.org            # install or upgrade
#   bash selfhost/install.sh --domain live.example.org --dry-run       # print the plan, change nothing
#   bash selfhost/install.sh --render-configs DIR --env-file FILE      # only render the configs (compose, tests)
#
# Options:
#   --domain NAME         the node's public domain (required for an install: Caddy's certificate, public URLs)
#   --source DIR          the StreamHub checkout or unpacked release to install (default: the one holding this script)
#   --prefix DIR          where the code goes (default /opt/streamhub); read-only to the service at run time
#   --livekit-bin FILE    a livekit-server binary to install instead of building the pinned one with Go
#   --no-caddy            leave the front door to the operator (then publish 127.0.0.1:3020, :7880 and :8080 yourself)
#   --no-start            install the units but do not enable or start them (images; also automatic where systemd is not running)
#   --dry-run             print every step, change nothing (needs no root)
#
# What it does, in order: Debian packages (Node and npm to bootstrap, Caddy,
# Redis, ffmpeg, rsync); the `streamhub` system user; the code into --prefix,
# owned by root; `npm ci` and `npm run build` there (the Worker, SDK and
# dashboard are built now, never at start); livekit-server into
# /usr/local/bin; /etc/streamhub.env from selfhost/streamhub.env.template
# with generated LiveKit keys and Redis password (only if missing); the
# configs in /etc/streamhub/ rendered from it; Redis locked to loopback with
# that password; the systemd units; then enables and (re)starts them.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/.." && pwd)
prefix=/opt/streamhub
domain=""
livekit_bin=""
caddy=1
start=1
dry_run=0
render_dir=""
env_file=/etc/streamhub.env
etc_dir=/etc/streamhub
unit_dir=/etc/systemd/system

die() {
  echo "install.sh: $*" >&2
  exit 1
}

while [ $# -gt 0 ]; do
  case "$1" in
    --domain) domain=${2:-}; shift 2 ;;
    --domain=*) domain=${1#*=}; shift ;;
    --source) source_dir=$(cd "${2:?--source needs a folder}" && pwd); shift 2 ;;
    --prefix) prefix=${2:?--prefix needs a folder}; shift 2 ;;
    --livekit-bin) livekit_bin=${2:?--livekit-bin needs a file}; shift 2 ;;
    --no-caddy) caddy=0; shift ;;
    --no-start) start=0; shift ;;
    --dry-run) dry_run=1; shift ;;
    --render-configs) render_dir=${2:?--render-configs needs a folder}; shift 2 ;;
    --env-file) env_file=${2:?--env-file needs a file}; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

# ── Rendering: each ${…} placeholder of a template becomes that setting's value from the env file ──

declare -A settings=()

# Reads KEY=value lines from stdin (systemd's EnvironmentFile syntax, without quoting rules beyond one pair of quotes).
parse_env() {
  local line name value
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in ''|'#'*) continue ;; esac
    name=${line%%=*}
    value=${line#*=}
    value=${value#\"}; value=${value%\"}
    settings[$name]=$value
  done
}
read_env_file() { parse_env <"$1"; }

# Prints the template with every ${NAME} replaced; a NAME the settings lack is an error, never an empty value.
render() {
  local template=$1 line name missing=""
  while IFS= read -r line || [ -n "$line" ]; do
    while [[ $line =~ \$\{([A-Z0-9_]+)\} ]]; do
      name=${BASH_REMATCH[1]}
      if [ -z "${settings[$name]+set}" ]; then
        missing="$missing $name"
        settings[$name]=""
      fi
      line=${line//"\${$name}"/"${settings[$name]}"}
    done
    printf '%s\n' "$line"
  done <"$template"
  [ -z "$missing" ] || die "$(basename "$template") needs$missing, missing from the settings"
}

render_configs() {
  local out=$1
  mkdir -p "$out"
  render "$source_dir/selfhost/livekit.yaml" >"$out/livekit.yaml"
  render "$source_dir/selfhost/ingress.yaml" >"$out/ingress.yaml"
  render "$source_dir/selfhost/egress.yaml" >"$out/egress.yaml"
  {
    echo "# Rendered by selfhost/install.sh from $env_file: what Caddy needs, and nothing secret."
    echo "STREAMHUB_DOMAIN=${settings[STREAMHUB_DOMAIN]:-}"
    echo "STREAMHUB_UPSTREAM=127.0.0.1:${settings[PORT]:-3020}"
    echo "LIVEKIT_UPSTREAM=127.0.0.1:${settings[LIVEKIT_PORT]:-7880}"
    echo "WHIP_UPSTREAM=127.0.0.1:${settings[INGRESS_WHIP_PORT]:-8080}"
    echo "STREAMHUB_METRICS_ALLOW=${settings[STREAMHUB_METRICS_ALLOW]:-127.0.0.1/32 ::1/128}"
  } >"$out/caddy.env"
  [ -n "${settings[STREAMHUB_DOMAIN]:-}" ] || die "STREAMHUB_DOMAIN is empty in $env_file: Caddy has no domain to serve"
}

if [ -n "$render_dir" ]; then
  [ -f "$env_file" ] || die "--render-configs reads the settings from --env-file, and $env_file does not exist"
  read_env_file "$env_file"
  render_configs "$render_dir"
  echo "install.sh: rendered livekit.yaml, ingress.yaml, egress.yaml and caddy.env into $render_dir"
  exit 0
fi

# ── The install itself ──

[ -n "$domain" ] || die "--domain is required: the public domain Caddy gets a certificate for (there is no default)"
[[ $domain =~ ^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$ ]] || die "--domain $domain is not a host name"
if [ "$dry_run" -eq 0 ] && [ "$(id -u)" -ne 0 ]; then die "run as root (or with --dry-run to see the plan)"; fi
if [ -r /etc/os-release ]; then
  # shellcheck disable=SC1091
  . /etc/os-release
  case " ${ID:-} ${ID_LIKE:-} " in *" debian "*|*" ubuntu "*) ;; *) die "this installer knows Debian and Ubuntu; this is ${PRETTY_NAME:-unknown}" ;; esac
fi
[ -z "$livekit_bin" ] || [ -x "$livekit_bin" ] || die "--livekit-bin $livekit_bin is not an executable file"

step=0
say() {
  step=$((step + 1))
  printf '\n[%d] %s\n' "$step" "$*"
}
# Runs a command, or prints it under --dry-run.
run() {
  printf '  + %s\n' "$*"
  [ "$dry_run" -eq 1 ] || "$@"
}
# Writes stdin to a file with a mode and owner, or prints what it would write.
put() {
  local path=$1 mode=$2 owner=$3 content
  content=$(cat)
  printf '  > %s (%s %s)\n' "$path" "$mode" "$owner"
  [ "$dry_run" -eq 1 ] && return 0
  install -d "$(dirname "$path")"
  local temporary="$path.install.$$"
  # Created private (several of these files hold secrets), then given its mode and owner.
  (umask 077 && printf '%s\n' "$content" >"$temporary")
  chmod "$mode" "$temporary"
  chown "$owner" "$temporary"
  mv -f "$temporary" "$path"
}

# N random letters and digits (no pipe closed early: under pipefail a SIGPIPE would end the script).
random() {
  local letters
  letters=$(head -c 96 /dev/urandom | base64 -w0 | tr -dc 'A-Za-z0-9')
  printf '%s' "${letters:0:$1}"
}

echo "install.sh: installing StreamHub for https://$domain from $source_dir into $prefix$([ "$dry_run" -eq 1 ] && echo ' (dry run: nothing is changed)')"

say "Debian packages: Node.js and npm (only to bootstrap: the project pins its own Node 24), Caddy, Redis, ffmpeg (the RTSP relay), rsync"
packages=(ca-certificates redis-server ffmpeg rsync)
# Any Node with npm bootstraps; NodeSource's nodejs bundles npm and conflicts with Debian's npm package.
if command -v npm >/dev/null 2>&1; then echo "  = npm is there ($(command -v npm)): kept"; else packages+=(nodejs npm); fi
[ "$caddy" -eq 0 ] || packages+=(caddy)
run env DEBIAN_FRONTEND=noninteractive apt-get update -qq
run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}"

say "The streamhub system user (no login, no home of its own)"
if id streamhub >/dev/null 2>&1; then
  echo "  = user streamhub exists"
else
  run useradd --system --user-group --home-dir /var/lib/streamhub --no-create-home --shell /usr/sbin/nologin streamhub
fi

say "The code in $prefix, owned by root: the service reads it, never writes it"
run install -d -m 0755 -o root -g root "$prefix"
if [ "$source_dir" != "$prefix" ]; then
  run rsync -a --delete --exclude /.git --exclude /node_modules --exclude /.cache --exclude /data --exclude /dist --exclude /web/dist --exclude /.xdg --exclude /.wrangler --exclude /.tsbuild "$source_dir/" "$prefix/"
fi
run chown -R root:root "$prefix"

say "Dependencies from the lockfile, and the build (the Worker bundle, the browser SDK and player, the dashboard): done now, never at start"
run sh -c "cd '$prefix' && npm ci --no-audit --no-fund && npm run build"

say "LiveKit server into /usr/local/bin/livekit-server"
if [ -n "$livekit_bin" ]; then
  run install -m 0755 -o root -g root "$livekit_bin" /usr/local/bin/livekit-server
else
  version=$(awk '$1 == "github.com/livekit/livekit-server" { print $2; exit }' "$source_dir/selfhost/livekit/go.mod")
  echo "  (built from the Go module pinned in selfhost/livekit/go.mod: livekit-server $version; needs Go >= 1.26 on PATH, or pass --livekit-bin with LiveKit's release binary)"
  if [ "$dry_run" -eq 0 ] && ! command -v go >/dev/null 2>&1; then
    die "no Go to build livekit-server $version: install Go >= 1.26 (https://go.dev/dl/), or pass --livekit-bin /path/to/livekit-server"
  fi
  run sh -c "LIVEKIT_CACHE_DIR='$prefix/.cache/livekit' sh '$prefix/selfhost/livekit/build.sh' >/dev/null && install -m 0755 '$prefix/.cache/livekit/$version/livekit-server' /usr/local/bin/livekit-server"
fi
echo "  (LiveKit ingress and egress cannot be built from their modules here: install LiveKit's releases as /usr/local/bin/ingress and /usr/local/bin/egress; their units start once they exist)"

say "Settings: $env_file (kept if present), the configs rendered from it into $etc_dir/"
if [ -f "$env_file" ]; then
  echo "  = $env_file exists: kept as it is"
  read_env_file "$env_file"
  if [ "${settings[STREAMHUB_DOMAIN]:-}" != "$domain" ]; then
    echo "  ! $env_file says STREAMHUB_DOMAIN=${settings[STREAMHUB_DOMAIN]:-} but --domain is $domain: edit the file to change the domain"
  fi
else
  settings=([STREAMHUB_DOMAIN]="$domain" [LIVEKIT_API_KEY]="API$(random 12)" [LIVEKIT_API_SECRET]="$(random 48)" [REDIS_PASSWORD]="$(random 40)")
  if [ "$dry_run" -eq 1 ]; then settings[LIVEKIT_API_SECRET]="<generated>"; settings[REDIS_PASSWORD]="<generated>"; fi
  # Rendered whole before anything is written: a template error writes nothing.
  text=$(render "$source_dir/selfhost/streamhub.env.template")
  printf '%s\n' "$text" | put "$env_file" 0640 root:streamhub
  # The configs are rendered from what the file now says.
  settings=()
  parse_env <<<"$text"
fi
# Rendered into a temporary folder first: a template error writes nothing into $etc_dir.
rendered=$(mktemp -d)
trap 'rm -rf "$rendered"' EXIT
render_configs "$rendered"
for name in livekit.yaml ingress.yaml egress.yaml; do
  put "$etc_dir/$name" 0640 root:streamhub <"$rendered/$name"
done
put "$etc_dir/caddy.env" 0644 root:root <"$rendered/caddy.env"

say "Redis on loopback only, with the password LiveKit, ingress and egress use"
put /etc/redis/streamhub.conf 0640 redis:redis <<EOF
# Written by StreamHub's selfhost/install.sh.
bind 127.0.0.1 -::1
protected-mode yes
port ${settings[REDIS_ADDRESS]##*:}
requirepass ${settings[REDIS_PASSWORD]}
EOF
if [ "$dry_run" -eq 1 ] || ! grep -qx 'include /etc/redis/streamhub.conf' /etc/redis/redis.conf; then
  run sh -c "echo 'include /etc/redis/streamhub.conf' >> /etc/redis/redis.conf"
fi

say "systemd units: streamhub, livekit, livekit-ingress, livekit-egress, streamhub-relay, the backup timer, the cluster agent$([ "$caddy" -eq 1 ] && echo ', and Caddy pointed at selfhost/Caddyfile')"
units=(streamhub.service livekit.service livekit-ingress.service livekit-egress.service streamhub-relay.service streamhub-backup.service streamhub-backup.timer streamhub-agent.service)
for unit in "${units[@]}"; do
  put "$unit_dir/$unit" 0644 root:root <"$source_dir/selfhost/systemd/$unit"
done
if [ "$caddy" -eq 1 ]; then
  put "$unit_dir/caddy.service.d/streamhub.conf" 0644 root:root <"$source_dir/selfhost/systemd/caddy.service.d/streamhub.conf"
fi
if [ "$dry_run" -eq 0 ] && [ "$start" -eq 1 ] && [ ! -d /run/systemd/system ]; then
  echo "  ! systemd is not running here (a container or a chroot?): the units are installed, not started"
  start=0
fi
if [ "$start" -eq 1 ]; then
  run systemctl daemon-reload
else
  echo "  = not started: run systemctl daemon-reload, then enable and start the units below yourself"
fi

# The backup timer gives an RPO of 30 minutes from the first day; the cluster agent is
# enabled by hand on nodes that join a cluster (it needs /etc/streamhub-agent.env).
enabled=(redis-server.service livekit.service streamhub.service livekit-ingress.service livekit-egress.service streamhub-backup.timer)
[ "$caddy" -eq 0 ] || enabled+=(caddy.service)
if [ "$start" -eq 1 ]; then
  say "Enable and (re)start: redis-server, livekit, streamhub$([ "$caddy" -eq 1 ] && echo ', caddy'), the backup timer, and ingress/egress where their binaries exist"
  run systemctl enable "${enabled[@]}"
  run systemctl restart "${enabled[@]}"
else
  say "Not enabled nor started: ${enabled[*]}"
fi

say "Done. Next:"
cat <<EOF
  - Your first API token: sudo cat /var/lib/streamhub/first-run-token   (then store it and delete the file)
  - Health: curl https://$domain/api/v1/health
  - Open these ports (README, "Ports"): 80/tcp, 443/tcp (Caddy); 7881/tcp and 50000-60000/udp (WebRTC);
    3478/udp (TURN); 1935/tcp (RTMP ingest) and 7885/udp (WHIP media) once ingress runs.
  - Backups: every 30 minutes into /var/lib/streamhub-backups (systemctl list-timers streamhub-backup.timer; README, "Backups")
  - Cluster node? Write /etc/streamhub-agent.env (README, "Cluster"), then: systemctl enable --now streamhub-agent
  - Settings: $env_file, then: systemctl restart streamhub (and livekit after LiveKit changes: bash $prefix/selfhost/install.sh --domain $domain re-renders)
EOF
