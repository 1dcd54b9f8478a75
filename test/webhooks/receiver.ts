// A webhook receiver for tests, on loopback. Each named inbox verifies what it
// receives with the reference `standardwebhooks` library (given the endpoint's
// secret), answers with the statuses it is told to, and keeps every request.
import { createServer, type Server } from "node:http";
import { Webhook } from "standardwebhooks";

interface Inbox {
  secrets: string[];
  /** Statuses to answer in turn; the last one repeats. */
  responses: { status: number; headers?: Record<string, string> }[];
  received: { headers: Record<string, string>; body: string; verified: boolean; error: string | null; at: number }[];
}

export interface WebhookReceiver {
  url: string;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const inboxes = new Map<string, Inbox>();
  const inbox = (name: string) => {
    let box = inboxes.get(name);
    if (!box) inboxes.set(name, (box = { secrets: [], responses: [{ status: 204 }], received: [] }));
    return box;
  };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const [, kind, name] = (req.url ?? "").split("?")[0]!.split("/");
    const send = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "Content-Type": "application/json", ...headers });
      res.end(payload === undefined ? "" : JSON.stringify(payload));
    };
    if (!name) return send(404);
    const box = inbox(name);
    if (kind === "_config") {
      const config = JSON.parse(body || "{}");
      if (config.secrets) box.secrets = config.secrets;
      if (config.responses) box.responses = config.responses;
      return send(200, { ok: true });
    }
    if (kind === "_received") return send(200, box.received);
    if (kind !== "r") return send(404);

    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    let verified = false;
    let error: string | null = null;
    for (const secret of box.secrets) {
      try {
        new Webhook(secret).verify(body, headers);
        verified = true;
        break;
      } catch (e) {
        error = (e as Error).message;
      }
    }
    box.received.push({ headers, body, verified, error: verified ? null : error, at: Date.now() });
    const response = box.responses.length > 1 ? box.responses.shift()! : box.responses[0]!;
    send(response.status, { received: true }, response.headers);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
