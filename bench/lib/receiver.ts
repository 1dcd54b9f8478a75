// The webhook endpoint of the burst, on loopback: it answers 204 and notes
// when each event first arrived, found by its room name in the body. Unlike
// test/webhooks/receiver.ts it keeps no headers or bodies and is read
// in-process, so that watching the backlog costs next to no CPU beside the
// workerd being measured.
import { createServer, type Server } from "node:http";

export interface ArrivalReceiver {
  url: string;
  /** Event index → first arrival (Date.now()), per series ("w" the burst, "u" the warm-up). */
  arrivals: Map<string, Map<number, number>>;
  /** Every request received, repeats included. */
  requests: () => number;
  close: () => Promise<void>;
}

/** Rooms are named `<prefix>-<series><index>`, e.g. `bench-w42`. */
export async function startArrivalReceiver(roomPrefix: string): Promise<ArrivalReceiver> {
  const pattern = new RegExp(`${roomPrefix}-([a-z])(\\d+)`);
  const arrivals = new Map<string, Map<number, number>>();
  let requests = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const at = Date.now();
      requests++;
      const match = pattern.exec(Buffer.concat(chunks).toString("utf8"));
      if (match) {
        let series = arrivals.get(match[1]!);
        if (!series) arrivals.set(match[1]!, (series = new Map()));
        const index = Number(match[2]);
        if (!series.has(index)) series.set(index, at);
      }
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`,
    arrivals,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
