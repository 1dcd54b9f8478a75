// How the adaptor gets its LiveKit credentials (API.md §7): a pre-minted
// `token` + `wsUrl` as given, or one POST to StreamHub's token endpoint.
import { AdaptorError, ERROR_CODES } from "./errors.ts";
import type { StreamHubAdaptorConfig, StreamHubTokenResponse } from "./types.ts";

/** What one connection asks for; merged over the page's `tokenRequest`. */
export interface TokenRequest {
  room: string;
  identity: string;
  canPublish: boolean;
}

export async function resolveCredentials(config: StreamHubAdaptorConfig, request: TokenRequest): Promise<StreamHubTokenResponse> {
  if (config.token) {
    const wsUrl = config.wsUrl || liveKitUrlOf(config.websocket_url);
    if (!wsUrl) throw new AdaptorError(ERROR_CODES.tokenResponseInvalid, "a pre-minted `token` needs `wsUrl` (LiveKit's URL)");
    return { token: config.token, wsUrl };
  }
  const url = tokenUrlOf(config);
  if (!url) {
    throw new AdaptorError(
      ERROR_CODES.tokenEndpointMissing,
      "no token endpoint: give `streamhubTokenUrl`, `streamhubApiUrl` + `appName`, an Ant Media-style `websocket_url` (wss://host/<app>/websocket), or a pre-minted `token` + `wsUrl`",
    );
  }
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (config.streamhubApiToken) headers.Authorization = `Bearer ${config.streamhubApiToken}`;
  const body = { ...config.tokenRequest, room: request.room, identity: request.identity, canPublish: request.canPublish, canSubscribe: true };

  let response: Response;
  try {
    response = await fetch(url, { method: "POST", headers, body: JSON.stringify(body) });
  } catch (error) {
    // A browser says no more than "Failed to fetch" for a refused CORS request too.
    throw new AdaptorError(ERROR_CODES.tokenRequestUnreachable, `the token request to ${url} got no answer (network or CORS): ${(error as Error).message}`, { url });
  }
  const text = await response.text().catch(() => "");
  const json = parseJson(text);
  if (!response.ok) throw refusal(response.status, url, text, json);

  const data = (json?.data ?? json) as Partial<StreamHubTokenResponse> | null;
  if (!data || typeof data.token !== "string" || !data.token || typeof data.wsUrl !== "string" || !data.wsUrl) {
    throw new AdaptorError(ERROR_CODES.tokenResponseInvalid, `the answer of ${url} has no \`token\` or no \`wsUrl\``, { status: response.status, url });
  }
  return data as StreamHubTokenResponse;
}

/** The token endpoint, first one available: streamhubTokenUrl, streamhubApiUrl + app, websocket_url's origin + app. */
export function tokenUrlOf(config: StreamHubAdaptorConfig): string | null {
  if (config.streamhubTokenUrl) return config.streamhubTokenUrl;
  const app = config.appName || appOf(config.websocket_url);
  if (!app) return null;
  if (config.streamhubApiUrl) return `${config.streamhubApiUrl.replace(/\/+$/, "")}/apps/${encodeURIComponent(app)}/tokens`;
  const origin = parseUrl(config.websocket_url)?.origin;
  return origin ? `${origin}/api/v1/apps/${encodeURIComponent(app)}/tokens` : null;
}

/** The app of an Ant Media URL: the segment before `/websocket`, otherwise the first one. */
export function appOf(websocketUrl: string | undefined): string | null {
  const segments = parseUrl(websocketUrl)?.pathname.split("/").filter(Boolean) ?? [];
  if (segments.length >= 2 && segments.at(-1) === "websocket") return segments.at(-2)!;
  const first = segments[0];
  return first && first !== "websocket" ? first : null;
}

/** A websocket_url without Ant Media's `/<app>/websocket` path is taken to be LiveKit's own URL. */
function liveKitUrlOf(websocketUrl: string | undefined): string | undefined {
  const url = parseUrl(websocketUrl);
  if (!url || url.pathname.split("/").filter(Boolean).at(-1) === "websocket") return undefined;
  return websocketUrl;
}

function parseUrl(url: string | undefined): URL | null {
  if (!url) return null;
  try {
    // URL understands ws: and wss:, but their origin is only defined for the http schemes.
    return new URL(url.replace(/^ws(s?):/i, "http$1:"));
  } catch {
    return null;
  }
}

function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** StreamHub's error envelope carries a code, a message and a request id; anything else is shown as it came. */
function refusal(status: number, url: string, text: string, json: any): AdaptorError {
  const error = json?.error && typeof json.error === "object" ? json.error : null;
  const message = typeof error?.message === "string" ? error.message : typeof json?.message === "string" ? json.message : text || `HTTP ${status}`;
  const code = status === 401 || status === 403 ? ERROR_CODES.unauthorizedAccess : ERROR_CODES.tokenRequestFailed;
  return new AdaptorError(code, message, {
    status,
    url,
    ...(typeof error?.code === "string" ? { serverCode: error.code } : typeof json?.error === "string" ? { serverCode: json.error } : {}),
    ...(typeof error?.requestId === "string" ? { requestId: error.requestId } : {}),
  });
}
