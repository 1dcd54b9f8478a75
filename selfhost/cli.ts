// The operations CLI: `npm run streamhub -- <command>`. See README "Operations".
//
//   doctor                    checks the node: configuration, DATA_DIR, ports, LiveKit and its keys,
//                             that STREAMHUB_SECRET_KEY opens every stored secret, the clock
//   token list                the API tokens (read from the Registry's database; works running or stopped)
//   token create <name> [--scope global|app --app <name>] [--allowed-ips a,b]
//   token revoke <id>         online through the API while the node runs, else directly on the database
//   admin create <email> [--password-stdin]
//                             a superadmin user (online or offline, as token create)
//   backup [--out DIR] [--keep N]
//                             every database, consistent, while the node runs (README "Backups")
//   restore <archive | s3:latest | s3:<key>> [--force]
//                             into an empty DATA_DIR; the node must be stopped
//   rotate-secret-key [--new-key-file F]
//                             re-seals every stored secret under a new key; the node must be stopped
//   agent --origin URL --name N --ip IP [--livekit-url U] [--region R] [--livekit-api U]
//                             the cluster node agent (selfhost/agent.ts)
//
// Exit codes: 0 done (doctor: no check failed); 1 failed (doctor: a check
// failed); 2 usage (unknown command or option, bad value); 3 refused because
// of the node's state (it runs when the command needs it stopped).
//
// Each command lives in its own file: cli-doctor.ts, cli-access.ts (tokens,
// admins), cli-backup.ts, cli-rotate.ts; cli-context.ts holds what they share.
import { ConfigError } from "../core/config.ts";
import { runAgent } from "./agent.ts";
import { BackupError } from "./backup.ts";
import { admin, token } from "./cli-access.ts";
import { backup, restore } from "./cli-backup.ts";
import { CliError, EXIT, flag, parseArgs, positiveInt } from "./cli-context.ts";
import { doctor } from "./cli-doctor.ts";
import { rotateSecretKey } from "./cli-rotate.ts";

export { EXIT };

// ── agent ──────────────────────────────────────────────────────────────────────

async function agent(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { origin: "value", name: "value", ip: "value", region: "value", "livekit-url": "value", "livekit-api": "value", "interval-s": "value" });
  // Flags, or the environment (selfhost/systemd/streamhub-agent.service reads /etc/streamhub-agent.env).
  const origin = flag(args, "origin") ?? process.env.STREAMHUB_ORIGIN;
  const clusterToken = process.env.STREAMHUB_CLUSTER_TOKEN;
  const name = flag(args, "name") ?? process.env.STREAMHUB_NODE_NAME;
  const ip = flag(args, "ip") ?? process.env.STREAMHUB_NODE_IP;
  if (!origin || !name || !ip) throw new CliError("usage: agent --origin <StreamHub URL> --name <node name> --ip <address> [--livekit-url <wss URL>] [--region R]", EXIT.usage);
  if (!clusterToken) throw new CliError("set STREAMHUB_CLUSTER_TOKEN to the origin's cluster token (GET /api/v1/cluster/info)", EXIT.usage);
  const running = runAgent({
    origin,
    clusterToken,
    name,
    ip,
    region: flag(args, "region") ?? process.env.STREAMHUB_NODE_REGION,
    livekitUrl: flag(args, "livekit-url") ?? process.env.STREAMHUB_NODE_LIVEKIT_URL,
    livekitApi: flag(args, "livekit-api") ?? process.env.STREAMHUB_NODE_LIVEKIT_API,
    intervalMs: positiveInt(flag(args, "interval-s"), 60, "--interval-s") * 1000,
  });
  await running.joined.catch((error: Error) => {
    throw new CliError(`could not join ${origin}: ${error.message}`);
  });
  await new Promise<void>((resolveStop) => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => resolveStop());
  });
  running.stop();
  return EXIT.ok;
}

// ── entry ──────────────────────────────────────────────────────────────────────

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  doctor: () => doctor(),
  token,
  admin,
  backup,
  restore,
  "rotate-secret-key": rotateSecretKey,
  agent,
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const run = command ? COMMANDS[command] : undefined;
  if (!run) {
    process.stderr.write(`usage: npm run streamhub -- <${Object.keys(COMMANDS).join(" | ")}> …  (README "Operations")\n`);
    return EXIT.usage;
  }
  try {
    return await run(rest);
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`streamhub ${command}: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof BackupError || error instanceof ConfigError) {
      process.stderr.write(`streamhub ${command}: ${error.message}\n`);
      return EXIT.failed;
    }
    throw error;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(await main(process.argv.slice(2)));
