// A small Server-Sent Events reader over fetch (EventSource cannot send the
// Authorization header): parses the stream into messages, reconnecting with
// the server's `retry:` delay when the connection drops.

export interface SseMessage {
  event: string;
  data: string;
}

/** Splits SSE text into complete messages; returns them and the unfinished rest. */
export function parseSse(buffer: string): { messages: SseMessage[]; rest: string; retryMs?: number } {
  const messages: SseMessage[] = [];
  let retryMs: number | undefined;
  const normalized = buffer.replace(/\r\n?/g, "\n");
  const blocks = normalized.split("\n\n");
  const rest = blocks.pop() ?? "";
  for (const block of blocks) {
    let event = "message";
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line === "" || line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "event") event = value;
      else if (field === "data") data.push(value);
      else if (field === "retry" && /^\d+$/.test(value)) retryMs = Number(value);
    }
    if (data.length > 0) messages.push({ event, data: data.join("\n") });
  }
  return retryMs === undefined ? { messages, rest } : { messages, rest, retryMs };
}

/**
 * Follows an SSE endpoint until `signal` aborts, calling `onMessage` for each
 * message and `onState` as the connection opens and drops.
 */
export async function followSse(
  url: string,
  options: { headers: () => Record<string, string>; signal: AbortSignal; onMessage: (message: SseMessage) => void; onState?: (state: "open" | "retrying" | "failed", detail?: string) => void },
): Promise<void> {
  let retryMs = 2000;
  while (!options.signal.aborted) {
    try {
      const response = await fetch(url, { headers: { Accept: "text/event-stream", ...options.headers() }, signal: options.signal });
      if (!response.ok || !response.body) {
        options.onState?.("failed", `HTTP ${response.status}`);
        // 4xx will not get better by retrying (signed out, app gone).
        if (response.status >= 400 && response.status < 500) return;
      } else {
        options.onState?.("open");
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const parsed = parseSse(buffer + value);
          buffer = parsed.rest;
          if (parsed.retryMs !== undefined) retryMs = parsed.retryMs;
          for (const message of parsed.messages) options.onMessage(message);
        }
      }
    } catch (error) {
      if (options.signal.aborted) return;
      options.onState?.("retrying", String(error));
    }
    if (options.signal.aborted) return;
    options.onState?.("retrying");
    await new Promise((resolve) => setTimeout(resolve, retryMs));
  }
}
