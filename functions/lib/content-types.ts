/**
 * Content types by file extension, for static files: workerd's `disk`
 * service (the ASSETS binding under `npm start`) answers every file as
 * application/octet-stream, which browsers refuse to run as a script or a
 * module. Workers assets on Cloudflare set these themselves; setting them
 * again changes nothing there.
 */
const TYPES: Record<string, string> = {
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  html: "text/html; charset=utf-8",
  json: "application/json; charset=utf-8",
  map: "application/json; charset=utf-8",
  ts: "text/plain; charset=utf-8",
  txt: "text/plain; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
  webp: "image/webp",
  woff2: "font/woff2",
};

/** A Content-Type's media type, without its parameters, in lower case (`application/json; charset=utf-8` → `application/json`); "" for none. */
export const mediaTypeOf = (contentType: string | undefined): string => (contentType ?? "").split(";")[0]!.trim().toLowerCase();

export const contentTypeFor = (path: string): string | null => TYPES[/\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase() ?? ""] ?? null;
