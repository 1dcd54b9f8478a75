import { Hono, type Context } from "hono";
import { appActor } from "../../core/actors.ts";
import { toHex, utf8 } from "../../core/crypto/encoding.ts";
import { SAMPLE_NAME } from "../../durable/app/samples.ts";
import { appRecord } from "../lib/app-records.ts";
import type { AppEnv } from "../lib/context.ts";
import { errorBody } from "../lib/envelope.ts";
import { ERRORS } from "../lib/errors.ts";
import { APP_NAME } from "../../core/names.ts";

/**
 * What every sample HTML page is served with (API.md §3): its scripts run, as
 * a page of this origin (the SDK and the API are here), in a frame on any site.
 */
export const SAMPLE_CSP = "sandbox allow-scripts allow-same-origin allow-forms allow-popups allow-modals; frame-ancestors *";

const CONTENT_TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
};

/** The same answer for an unknown app, an unknown page and a name that cannot be one: nothing says which. */
const notFound = (c: Context<AppEnv>) => c.json(errorBody("not_found", "no such sample page", c.get("requestId")), ERRORS.not_found.status);

const etagOf = async (content: string) => `"${toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(content)))).slice(0, 32)}"`;

/**
 * /samples/{app}/{file}: an app's sample pages, public, read from the app's
 * actor. They work with public playback off too: they then need a token in
 * their URL. `no-cache` with an ETag: a page edited in the dashboard shows
 * at once on reload, and an unchanged one costs a 304, not its bytes.
 */
export const samplesApi = new Hono<AppEnv>();

samplesApi.get("/:app/:file", async (c) => {
  const name = c.req.param("app");
  const file = c.req.param("file");
  if (!APP_NAME.test(name) || !SAMPLE_NAME.test(file)) return notFound(c);
  const record = await appRecord(c.env, name);
  const sample = record ? await appActor(c.env, record.name).getSample(file) : null;
  if (!sample) return notFound(c);

  const etag = await etagOf(sample.content);
  const extension = file.slice(file.lastIndexOf(".") + 1);
  const headers: Record<string, string> = {
    "Content-Type": CONTENT_TYPES[extension]!,
    "Cache-Control": "no-cache",
    ETag: etag,
    "X-Content-Type-Options": "nosniff",
    "X-Request-Id": c.get("requestId"),
  };
  if (extension === "html") {
    headers["Content-Security-Policy"] = SAMPLE_CSP;
    // A token in a page's query string goes nowhere else.
    headers["Referrer-Policy"] = "no-referrer";
  }
  const unchanged = (c.req.header("If-None-Match") ?? "").split(",").some((tag) => tag.trim() === etag);
  return unchanged ? new Response(null, { status: 304, headers }) : new Response(sample.content, { headers });
});
