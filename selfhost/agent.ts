// The node agent (API.md §1.1): runs beside a LiveKit node of the cluster,
// joins the registry of the origin StreamHub with the cluster token, then
// beats every 60 s with the node's stats (its LiveKit's rooms and
// participants, load and memory). It joins again when the registry forgot
// the node, and says when an operator drains or disables it.
//   STREAMHUB_CLUSTER_TOKEN=… npm run streamhub -- agent --origin https://live.example.com \
//     --name lk-2 --ip 10.0.0.12 --livekit-url wss://lk2.example.com [--region eu] [--livekit-api http://127.0.0.1:7880]
import { cpus, freemem, loadavg, totalmem, uptime } from "node:os";
import { liveKitApi } from "../core/livekit-api.ts";

export interface AgentOptions {
  /** The origin StreamHub's base URL. */
  origin: string;
  clusterToken: string;
  name: string;
  ip: string;
  region?: string;
  /** This node's LiveKit as clients reach it (handed out in join tokens). */
  livekitUrl?: string;
  /** This node's LiveKit API as the agent reaches it, for room counts (default: livekitUrl). */
  livekitApi?: string;
  intervalMs?: number;
  log?: (line: string) => void;
}

export interface JoinAnswer {
  nodeId: string;
  name: string;
  status: string;
  redisUrl: string | null;
  publicWsUrl: string | null;
  livekit: { apiKey: string; apiSecret: string; wsUrl: string } | null;
}

export class AgentError extends Error {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.name = "AgentError";
    this.status = status;
  }
}

async function post<T>(options: AgentOptions, path: string, body: unknown): Promise<{ status: number; data: T }> {
  const response = await fetch(`${options.origin.replace(/\/+$/, "")}/api/v1/cluster/${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Cluster-Token": options.clusterToken },
    body: JSON.stringify(body),
  });
  const json = (await response.json().catch(() => null)) as { data: T; error: { code: string; message: string } | null } | null;
  if (!response.ok) throw new AgentError(`${path}: ${response.status} ${json?.error?.code ?? ""} ${json?.error?.message ?? ""}`.trim(), response.status);
  return { status: response.status, data: json!.data };
}

export async function joinCluster(options: AgentOptions): Promise<JoinAnswer> {
  const body = { name: options.name, ip: options.ip, ...(options.region ? { region: options.region } : {}), ...(options.livekitUrl ? { url: options.livekitUrl } : {}) };
  return (await post<JoinAnswer>(options, "join", body)).data;
}

/** The node's numbers: what its LiveKit hosts (when the agent can ask it) and the machine's load. */
export async function nodeStats(options: AgentOptions, keys: JoinAnswer["livekit"]): Promise<Record<string, number | string>> {
  const stats: Record<string, number | string> = {
    load1: Number(loadavg()[0]!.toFixed(2)),
    cpus: cpus().length,
    memFreeMb: Math.round(freemem() / 2 ** 20),
    memTotalMb: Math.round(totalmem() / 2 ** 20),
    uptimeS: Math.round(uptime()),
  };
  const api = options.livekitApi ?? options.livekitUrl;
  if (api && keys) {
    try {
      const rooms = await liveKitApi({ url: api, apiKey: keys.apiKey, apiSecret: keys.apiSecret }).rooms.listRooms();
      stats.rooms = rooms.length;
      stats.participants = rooms.reduce((sum, room) => sum + room.numParticipants, 0);
    } catch (error) {
      stats.livekitError = String((error as Error).message ?? error).slice(0, 200);
    }
  }
  return stats;
}

export interface RunningAgent {
  joined: Promise<JoinAnswer>;
  /** The status the registry last answered with. */
  status(): string | null;
  /** Beats once now (tests, and the first beat after joining). */
  beat(): Promise<string>;
  stop(): void;
}

/** Joins, then beats every `intervalMs` (60 s) until stopped; a failed beat is logged and retried at the next. */
export function runAgent(options: AgentOptions): RunningAgent {
  const log = options.log ?? ((line: string) => process.stdout.write(`agent: ${line}\n`));
  let answer: JoinAnswer | null = null;
  let status: string | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  const join = async () => {
    answer = await joinCluster(options);
    log(`joined ${options.origin} as ${answer.name} (${answer.nodeId}), status ${answer.status}`);
    status = answer.status;
    return answer;
  };
  const beat = async (): Promise<string> => {
    if (!answer) await join();
    try {
      const { data } = await post<{ ok: true; status: string }>(options, "heartbeat", { nodeId: answer!.nodeId, stats: await nodeStats(options, answer!.livekit) });
      if (data.status !== status) log(`the registry says this node is ${data.status}${data.status === "draining" ? ": StreamHub sends no new rooms here" : ""}`);
      status = data.status;
      return data.status;
    } catch (error) {
      // Deleted from the registry: join again.
      if (error instanceof AgentError && error.status === 404) {
        await join();
        return beat();
      }
      throw error;
    }
  };
  const joined = join();
  const loop = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      beat().then(loop, (error: Error) => {
        log(`heartbeat failed (${error.message}); trying again in ${(options.intervalMs ?? 60_000) / 1000} s`);
        loop();
      });
    }, options.intervalMs ?? 60_000);
  };
  joined.then(
    () => beat().then(loop, loop),
    (error: Error) => log(`could not join: ${error.message}`),
  );
  return {
    joined,
    status: () => status,
    beat,
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
