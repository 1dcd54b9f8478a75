// Debian's Caddy running selfhost/Caddyfile as it ships, on loopback high
// ports with its internal CA (`local_certs`) instead of Let's Encrypt, its
// state in a temporary folder; and a TLS client that can pick its source
// address on loopback (127.0.0.2, …) to stand for different clients.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, mkdtempSync, rmSync, existsSync } from "node:fs";
import type { IncomingHttpHeaders } from "node:http";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:tls";
import type { Socket } from "node:net";
import { ROOT } from "../../selfhost/build.ts";
import { freePort } from "../../selfhost/ports.ts";

export const CADDYFILE = join(ROOT, "selfhost/Caddyfile");

export interface RunningCaddy {
  domain: string;
  httpsPort: number;
  httpPort: number;
  /** The internal CA's root certificate (PEM), for clients to trust. */
  rootCa: string;
  output: () => string;
  close(): Promise<void>;
}

export async function startCaddy(options: { domain: string; upstreams: { streamhub: string; livekit: string; whip?: string }; env?: Record<string, string> }): Promise<RunningCaddy> {
  const state = mkdtempSync(join(tmpdir(), "streamhub-caddy-"));
  const [httpsPort, httpPort] = [await freePort(), await freePort()];
  const child: ChildProcess = spawn("caddy", ["run", "--adapter", "caddyfile", "--config", CADDYFILE], {
    env: {
      PATH: process.env.PATH,
      HOME: state,
      XDG_DATA_HOME: join(state, "data"),
      XDG_CONFIG_HOME: join(state, "config"),
      STREAMHUB_DOMAIN: options.domain,
      STREAMHUB_HTTPS_PORT: String(httpsPort),
      STREAMHUB_HTTP_PORT: String(httpPort),
      STREAMHUB_CADDY_ADMIN: "off",
      // The internal CA, never installed into the system's trust store; loopback only.
      STREAMHUB_CADDY_OPTIONS: "local_certs\n\tskip_install_trust\n\tdefault_bind 127.0.0.1",
      STREAMHUB_UPSTREAM: options.upstreams.streamhub,
      LIVEKIT_UPSTREAM: options.upstreams.livekit,
      WHIP_UPSTREAM: options.upstreams.whip ?? "127.0.0.1:9",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const close = async () => {
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
    rmSync(state, { recursive: true, force: true });
  };

  // Ready once the internal CA exists and a TLS handshake for the domain verifies against it.
  const rootPath = join(state, "data", "caddy", "pki", "authorities", "local", "root.crt");
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`caddy exited with ${child.exitCode}:\n${output}`);
    if (existsSync(rootPath)) {
      const rootCa = readFileSync(rootPath, "utf8");
      const ok = await new Promise<boolean>((resolve) => {
        const socket = connect({ host: "127.0.0.1", port: httpsPort, servername: options.domain, ca: rootCa }, () => {
          socket.end();
          resolve(true);
        });
        socket.once("error", () => resolve(false));
      });
      if (ok) return { domain: options.domain, httpsPort, httpPort, rootCa, output: () => output, close };
    }
    if (Date.now() > deadline) {
      await close();
      throw new Error(`caddy did not serve TLS for ${options.domain} within 20 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface TlsResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  json: any;
}

/** One HTTPS request to Caddy, verified against its CA, from a chosen loopback source address. */
export function tlsRequest(
  caddy: RunningCaddy,
  path: string,
  options: { method?: string; headers?: Record<string, string>; json?: unknown; from?: string } = {},
): Promise<TlsResponse> {
  const body = options.json === undefined ? undefined : JSON.stringify(options.json);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: caddy.httpsPort,
        servername: caddy.domain,
        ca: caddy.rootCa,
        localAddress: options.from ?? "127.0.0.1",
        method: options.method ?? "GET",
        path,
        agent: false,
        headers: { Host: `${caddy.domain}:${caddy.httpsPort}`, ...(body ? { "Content-Type": "application/json" } : {}), ...options.headers },
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () => {
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: response.statusCode!, headers: response.headers, body: text, json });
        });
      },
    );
    req.once("error", reject);
    req.end(body);
  });
}

/** A WebSocket upgrade through Caddy: the status, the headers and the first frame's bytes (if it was upgraded). */
export function tlsUpgrade(caddy: RunningCaddy, path: string): Promise<{ status: number; headers: IncomingHttpHeaders; firstFrame: Buffer | null }> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: "127.0.0.1",
      port: caddy.httpsPort,
      servername: caddy.domain,
      ca: caddy.rootCa,
      path,
      agent: false,
      headers: {
        Host: `${caddy.domain}:${caddy.httpsPort}`,
        Connection: "Upgrade",
        Upgrade: "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": Buffer.from("streamhub-caddy!").toString("base64"),
      },
    });
    req.once("upgrade", (response, socket: Socket, head: Buffer) => {
      let data = head;
      const done = () => {
        socket.destroy();
        resolve({ status: response.statusCode!, headers: response.headers, firstFrame: data });
      };
      if (data.length > 0) return done();
      socket.once("data", (chunk: Buffer) => {
        data = chunk;
        done();
      });
      setTimeout(done, 5_000).unref();
    });
    req.once("response", (response) => {
      response.resume();
      resolve({ status: response.statusCode!, headers: response.headers, firstFrame: null });
    });
    req.once("error", reject);
    req.end();
  });
}
