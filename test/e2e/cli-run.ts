// Runs the operations CLI (selfhost/cli.ts) as an operator would: its own
// process, the node's settings in the environment.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "../../selfhost/build.ts";

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string | undefined>, stdin?: string): Promise<CliResult> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, STREAMHUB_LOCAL_LIVEKIT: "off", ...env };
  // A developer's own settings must not leak in (as in harness.ts).
  for (const name of ["STREAMHUB_API_TOKEN", "STREAMHUB_SECRET_KEY", "STREAMHUB_JWT_SECRET", "LIVEKIT_URL", "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET"]) if (!(name in env)) delete childEnv[name];
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete childEnv[name];
  const child = spawn(process.execPath, [join(ROOT, "selfhost/cli.ts"), ...args], { cwd: ROOT, env: childEnv, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  child.stdin.end(stdin ?? "");
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stdout, stderr })));
}
