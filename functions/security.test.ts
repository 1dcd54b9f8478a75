// Who may call what: every route registered in the Worker (read from its route
// table, so a new route without an entry here fails this test) against every
// kind of caller, with the exact status each must get.
//
// Probes are chosen so that an authorized call has no lasting effect: it fails
// validation (400), names something missing (404), or only reads (200).
import { SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { utf8 } from "../core/crypto/encoding.ts";
import app from "./index.ts";
import { ADMIN, api, createApp, createTenant, createToken, createUser, login } from "./testing.ts";

type Caller =
  | "anonymous"
  | "malformed"
  | "revokedToken"
  | "expiredJwt"
  | "tokenFromDisallowedIp"
  | "otherAppToken"
  | "appToken"
  | "viewer"
  | "editor"
  | "owner"
  | "otherTenantOwner"
  | "superadmin"
  | "globalToken";

/** Callers whose credential is not valid here: every protected route answers them 401. */
const INVALID: Caller[] = ["anonymous", "malformed", "revokedToken", "expiredJwt", "tokenFromDisallowedIp"];
const VALID: Caller[] = ["otherAppToken", "appToken", "viewer", "editor", "owner", "otherTenantOwner", "superadmin", "globalToken"];

/** Statuses for the valid callers, in the order of VALID. */
type Row = [otherAppToken: number, appToken: number, viewer: number, editor: number, owner: number, otherTenantOwner: number, superadmin: number, globalToken: number];

interface Probe {
  /** Path with {app} = the tenant's app, {tenantId} = the tenant. */
  path: string;
  json?: unknown;
  public?: boolean;
  expect: Row;
}

const all = (status: number): Row => [status, status, status, status, status, status, status, status];
const superOnly = (status: number): Row => [403, 403, 403, 403, 403, 403, status, status];

// The table, from API.md's permissions: owner *:*, editor reads and edits apps
// and media, viewer reads; audit and tokens are for owners; app tokens act on
// their own app only; another tenant's app or tenant is a 404.
const PROBES: Record<string, Probe> = {
  "GET /api/v1/health": { path: "/api/v1/health", public: true, expect: all(200) },
  "POST /api/v1/auth/login": { path: "/api/v1/auth/login", json: {}, public: true, expect: all(400) },
  "GET /api/v1/auth/me": { path: "/api/v1/auth/me", expect: all(200) },
  "GET /api/v1/auth/sessions": { path: "/api/v1/auth/sessions", expect: all(200) },
  "DELETE /api/v1/auth/sessions/{sessionId}": { path: "/api/v1/auth/sessions/ses_missing", expect: all(404) },
  "POST /api/v1/auth/password": { path: "/api/v1/auth/password", json: {}, expect: all(400) },
  "GET /api/v1/apps": { path: "/api/v1/apps?limit=0", expect: all(400) },
  "POST /api/v1/apps": { path: "/api/v1/apps", json: { name: "NOT A NAME" }, expect: [403, 403, 403, 400, 400, 400, 400, 400] },
  "GET /api/v1/apps/{app}": { path: "/api/v1/apps/{app}", expect: [404, 200, 200, 200, 200, 404, 200, 200] },
  "PATCH /api/v1/apps/{app}": { path: "/api/v1/apps/{app}", json: {}, expect: [404, 400, 403, 400, 400, 404, 400, 400] },
  "DELETE /api/v1/apps/{app}": { path: "/api/v1/apps/{app}?deleteVods=maybe", expect: [404, 400, 403, 403, 400, 404, 400, 400] },
  "GET /api/v1/apps/{app}/logs": { path: "/api/v1/apps/{app}/logs?limit=0", expect: [404, 400, 400, 400, 400, 404, 400, 400] },
  "GET /api/v1/apps/{app}/audit": { path: "/api/v1/apps/{app}/audit?limit=0", expect: [404, 400, 403, 403, 400, 404, 400, 400] },
  "GET /api/v1/tokens": { path: "/api/v1/tokens?limit=0", expect: [403, 403, 403, 403, 400, 400, 400, 400] },
  "POST /api/v1/tokens": { path: "/api/v1/tokens", json: {}, expect: [403, 403, 403, 403, 400, 400, 400, 400] },
  "DELETE /api/v1/tokens/{tokenId}": { path: "/api/v1/tokens/tok_missing", expect: [403, 403, 403, 403, 404, 404, 404, 404] },
  "GET /api/v1/users": { path: "/api/v1/users?limit=0", expect: superOnly(400) },
  "POST /api/v1/users": { path: "/api/v1/users", json: {}, expect: superOnly(400) },
  "GET /api/v1/users/{userId}": { path: "/api/v1/users/usr_missing", expect: superOnly(404) },
  "PATCH /api/v1/users/{userId}": { path: "/api/v1/users/usr_missing", json: {}, expect: superOnly(400) },
  "GET /api/v1/tenants": { path: "/api/v1/tenants?limit=0", expect: superOnly(400) },
  "POST /api/v1/tenants": { path: "/api/v1/tenants", json: {}, expect: superOnly(400) },
  "GET /api/v1/tenants/{tenantId}": { path: "/api/v1/tenants/{tenantId}", expect: [403, 403, 200, 200, 200, 404, 200, 200] },
  "PATCH /api/v1/tenants/{tenantId}": { path: "/api/v1/tenants/{tenantId}", json: {}, expect: [403, 403, 403, 403, 403, 404, 400, 400] },
  "GET /api/v1/tenants/{tenantId}/usage": { path: "/api/v1/tenants/{tenantId}/usage", expect: [403, 403, 200, 200, 200, 404, 200, 200] },
  "GET /api/v1/tenants/{tenantId}/members": { path: "/api/v1/tenants/{tenantId}/members?limit=0", expect: [403, 403, 400, 400, 400, 404, 400, 400] },
  "POST /api/v1/tenants/{tenantId}/members": { path: "/api/v1/tenants/{tenantId}/members", json: {}, expect: [403, 403, 403, 403, 400, 404, 400, 400] },
  "PATCH /api/v1/tenants/{tenantId}/members/{userId}": { path: "/api/v1/tenants/{tenantId}/members/usr_missing", json: {}, expect: [403, 403, 403, 403, 400, 404, 400, 400] },
  "DELETE /api/v1/tenants/{tenantId}/members/{userId}": { path: "/api/v1/tenants/{tenantId}/members/usr_missing", expect: [403, 403, 403, 403, 404, 404, 404, 404] },
  "GET /api/v1/teams/mine": { path: "/api/v1/teams/mine", expect: [403, 403, 200, 200, 200, 200, 200, 200] },
  "POST /api/v1/teams/mine/members": { path: "/api/v1/teams/mine/members", json: {}, expect: [403, 403, 403, 403, 400, 400, 400, 400] },
  "POST /api/v1/apps/{app}/tokens": { path: "/api/v1/apps/{app}/tokens", json: { room: "not a room" }, expect: [404, 400, 403, 400, 400, 404, 400, 400] },
  "GET /api/v1/apps/{app}/play-token/{room}": { path: "/api/v1/apps/{app}/play-token/not%20a%20room", public: true, expect: all(400) },
  // An app token sees its own app's figures; everyone else their tenant's (superadmins all).
  "GET /api/v1/stats": { path: "/api/v1/stats", expect: all(200) },
  "GET /api/v1/apps/{app}/stats": { path: "/api/v1/apps/{app}/stats", expect: [404, 200, 200, 200, 200, 404, 200, 200] },
  "GET /api/v1/apps/{app}/streams": { path: "/api/v1/apps/{app}/streams", expect: [404, 200, 200, 200, 200, 404, 200, 200] },
  "GET /api/v1/apps/{app}/streams/{id}": { path: "/api/v1/apps/{app}/streams/nowhere%2Fnobody", expect: all(404) },
  "DELETE /api/v1/apps/{app}/streams/{id}": { path: "/api/v1/apps/{app}/streams/nowhere%2Fnobody", expect: [404, 404, 403, 404, 404, 404, 404, 404] },
  "POST /api/v1/apps/{app}/ingress": { path: "/api/v1/apps/{app}/ingress", json: { inputType: "ftp" }, expect: [404, 400, 403, 400, 400, 404, 400, 400] },
  "GET /api/v1/apps/{app}/ingress": { path: "/api/v1/apps/{app}/ingress?limit=0", expect: [404, 400, 400, 400, 400, 404, 400, 400] },
  "GET /api/v1/apps/{app}/ingress/{ingressId}": { path: "/api/v1/apps/{app}/ingress/IN_missing", expect: all(404) },
  "DELETE /api/v1/apps/{app}/ingress/{ingressId}": { path: "/api/v1/apps/{app}/ingress/IN_missing", expect: [404, 404, 403, 404, 404, 404, 404, 404] },
  "POST /api/v1/apps/{app}/ingress/{ingressId}/validate": { path: "/api/v1/apps/{app}/ingress/IN_missing/validate", json: {}, expect: [404, 400, 403, 400, 400, 404, 400, 400] },
  "GET /api/v1/apps/{app}/s3": { path: "/api/v1/apps/{app}/s3", expect: [404, 200, 200, 200, 200, 404, 200, 200] },
  "PUT /api/v1/apps/{app}/s3": { path: "/api/v1/apps/{app}/s3", json: {}, expect: [404, 400, 403, 400, 400, 404, 400, 400] },
  "GET /api/v1/apps/{app}/config": { path: "/api/v1/apps/{app}/config", expect: [404, 200, 200, 200, 200, 404, 200, 200] },
  "PATCH /api/v1/apps/{app}/config": { path: "/api/v1/apps/{app}/config", json: {}, expect: [404, 400, 403, 400, 400, 404, 400, 400] },
  "POST /api/v1/apps/{app}/recording/start": { path: "/api/v1/apps/{app}/recording/start", json: {}, expect: [404, 400, 403, 400, 400, 404, 400, 400] },
  "POST /api/v1/apps/{app}/recording/{id}/stop": { path: "/api/v1/apps/{app}/recording/vod_missing/stop", expect: [404, 404, 403, 404, 404, 404, 404, 404] },
  "POST /api/v1/apps/{app}/streams/{id}/record/start": { path: "/api/v1/apps/{app}/streams/nowhere%2Fnobody/record/start", expect: [404, 404, 403, 404, 404, 404, 404, 404] },
  "POST /api/v1/apps/{app}/streams/{id}/record/stop": { path: "/api/v1/apps/{app}/streams/nowhere%2Fnobody/record/stop", expect: [404, 404, 403, 404, 404, 404, 404, 404] },
  "GET /api/v1/apps/{app}/vods": { path: "/api/v1/apps/{app}/vods?limit=0", expect: [404, 400, 400, 400, 400, 404, 400, 400] },
  "GET /api/v1/apps/{app}/vods/{id}": { path: "/api/v1/apps/{app}/vods/vod_missing", expect: all(404) },
  "DELETE /api/v1/apps/{app}/vods/{id}": { path: "/api/v1/apps/{app}/vods/vod_missing", expect: [404, 404, 403, 404, 404, 404, 404, 404] },
  "POST /api/v1/apps/{app}/streams/{id}/hls/start": { path: "/api/v1/apps/{app}/streams/nowhere%2Fnobody/hls/start", expect: [404, 404, 403, 404, 404, 404, 404, 404] },
  "POST /api/v1/apps/{app}/streams/{id}/hls/stop": { path: "/api/v1/apps/{app}/streams/nowhere%2Fnobody/hls/stop", expect: [404, 404, 403, 404, 404, 404, 404, 404] },
  "GET /api/v1/apps/{app}/streams/{id}/hls": { path: "/api/v1/apps/{app}/streams/nowhere%2Fnobody/hls", expect: all(404) },
  // Public playback of live HLS: no credential opens more than the room's liveness does.
  "GET /hls/{app}/{room}/{file}": { path: "/hls/{app}/nowhere/index.m3u8", public: true, expect: all(404) },
  // Only METRICS_TOKEN opens it; no API credential does.
  "GET /metrics": { path: "/metrics", public: true, expect: all(403) },
  "GET /api/v1/apps/{app}/live/feed": { path: "/api/v1/apps/{app}/live/feed?since=0", expect: [404, 400, 400, 400, 400, 404, 400, 400] },
  "GET /api/v1/apps/{app}/webhooks": { path: "/api/v1/apps/{app}/webhooks", expect: [404, 200, 200, 200, 200, 404, 200, 200] },
  "POST /api/v1/apps/{app}/webhooks": { path: "/api/v1/apps/{app}/webhooks", json: {}, expect: [404, 400, 403, 400, 400, 404, 400, 400] },
  "GET /api/v1/apps/{app}/webhooks/{id}": { path: "/api/v1/apps/{app}/webhooks/whep_missing", expect: all(404) },
  "PATCH /api/v1/apps/{app}/webhooks/{id}": { path: "/api/v1/apps/{app}/webhooks/whep_missing", json: {}, expect: [404, 400, 403, 400, 400, 404, 400, 400] },
  "DELETE /api/v1/apps/{app}/webhooks/{id}": { path: "/api/v1/apps/{app}/webhooks/whep_missing", expect: [404, 404, 403, 404, 404, 404, 404, 404] },
  "POST /api/v1/apps/{app}/webhooks/{id}/rotate": { path: "/api/v1/apps/{app}/webhooks/whep_missing/rotate", expect: [404, 404, 403, 404, 404, 404, 404, 404] },
  "POST /api/v1/apps/{app}/webhooks/{id}/test": { path: "/api/v1/apps/{app}/webhooks/whep_missing/test", expect: [404, 404, 403, 404, 404, 404, 404, 404] },
  "GET /api/v1/apps/{app}/webhooks/{id}/deliveries": { path: "/api/v1/apps/{app}/webhooks/whep_missing/deliveries?limit=0", expect: [404, 400, 400, 400, 400, 404, 400, 400] },
  "GET /api/v1/apps/{app}/webhooks/{id}/deliveries/{deliveryId}": { path: "/api/v1/apps/{app}/webhooks/whep_missing/deliveries/dlv_missing", expect: all(404) },
  "POST /api/v1/apps/{app}/webhooks/{id}/deliveries/{deliveryId}/replay": { path: "/api/v1/apps/{app}/webhooks/whep_missing/deliveries/dlv_missing/replay", expect: [404, 404, 403, 404, 404, 404, 404, 404] },
  // Players' reports: public; a credential changes nothing (and is not looked at).
  "POST /api/v1/apps/{app}/qoe": { path: "/api/v1/apps/{app}/qoe", json: {}, public: true, expect: all(400) },
  "GET /api/v1/apps/{app}/qoe": { path: "/api/v1/apps/{app}/qoe?limit=0", expect: [404, 400, 400, 400, 400, 404, 400, 400] },
  "GET /api/v1/apps/{app}/analytics": { path: "/api/v1/apps/{app}/analytics?resolution=second", expect: [404, 400, 400, 400, 400, 404, 400, 400] },
  "GET /api/v1/apps/{app}/streams/{id}/sessions": { path: "/api/v1/apps/{app}/streams/nowhere%2Fnobody/sessions", expect: all(404) },
  "GET /api/v1/apps/{app}/samples": { path: "/api/v1/apps/{app}/samples", expect: [404, 200, 200, 200, 200, 404, 200, 200] },
  "GET /api/v1/apps/{app}/samples/{file}": { path: "/api/v1/apps/{app}/samples/missing.html", expect: all(404) },
  "PUT /api/v1/apps/{app}/samples/{file}": { path: "/api/v1/apps/{app}/samples/missing.html", json: {}, expect: [404, 400, 403, 400, 400, 404, 400, 400] },
  // Puts the default pages back: the same pages again, as nothing edited them.
  "POST /api/v1/apps/{app}/samples/regenerate": { path: "/api/v1/apps/{app}/samples/regenerate", expect: [404, 200, 403, 200, 200, 404, 200, 200] },
  // Public pages: a credential opens nothing more.
  "GET /samples/{app}/{file}": { path: "/samples/{app}/missing.html", public: true, expect: all(404) },
  // The SDK and the player pages: public by design, for any caller alike (a page of an unknown app is a 404 page).
  "GET /sdk/*": { path: "/sdk/missing.js", public: true, expect: all(404) },
  "GET /play/{app}/{room}": { path: "/play/no-such-app/main", public: true, expect: all(404) },
  "GET /embed/{app}/{room}": { path: "/embed/no-such-app/main", public: true, expect: all(404) },
  // Node agents' routes: only X-Cluster-Token opens them; no API credential does.
  "GET /api/v1/relays": { path: "/api/v1/relays", public: true, expect: all(401) },
  "POST /api/v1/relays/{ingressId}/status": { path: "/api/v1/relays/IN_missing/status", json: {}, public: true, expect: all(401) },
  "POST /api/v1/cluster/join": { path: "/api/v1/cluster/join", json: {}, public: true, expect: all(401) },
  "POST /api/v1/cluster/heartbeat": { path: "/api/v1/cluster/heartbeat", json: {}, public: true, expect: all(401) },
  // The cluster registry is the operator's (API.md §1.1 "G"); its info holds the cluster token.
  "GET /api/v1/cluster/info": { path: "/api/v1/cluster/info", expect: superOnly(200) },
  "GET /api/v1/cluster/nodes": { path: "/api/v1/cluster/nodes", expect: superOnly(200) },
  "PATCH /api/v1/cluster/nodes/{id}": { path: "/api/v1/cluster/nodes/node_missing", json: {}, expect: superOnly(404) },
  "DELETE /api/v1/cluster/nodes/{id}": { path: "/api/v1/cluster/nodes/node_missing", expect: superOnly(404) },
  // Only LiveKit's signature opens this one; no API credential does.
  "POST /api/v1/webhooks/livekit": { path: "/api/v1/webhooks/livekit", json: { event: "room_started" }, public: true, expect: all(401) },
  "GET /api/v1/logs": { path: "/api/v1/logs?limit=0", expect: [403, 403, 400, 400, 400, 400, 400, 400] },
  "GET /api/v1/audit": { path: "/api/v1/audit?limit=0", expect: [403, 403, 403, 403, 400, 400, 400, 400] },
  // Last: it ends each caller's session.
  "POST /api/v1/auth/logout": { path: "/api/v1/auth/logout", expect: all(204) },
};

// Not API routes a caller can be denied: the document, its viewer, the dashboard.
const NOT_PROBED = new Set(["GET /api/v1/openapi.json", "GET /api/v1/docs"]);
// (GET /hls/… is probed: it is public, but must never serve what is not live.)

const registeredRoutes = () =>
  app.routes
    .filter((route) => route.method !== "ALL" && route.path !== "*" && route.path !== "/*")
    .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, "{$1}")}`)
    .filter((route) => !NOT_PROBED.has(route));

const credentials = {} as Record<Caller, { headers: Record<string, string>; peer?: string }>;
let appName = "";
let tenantId = "";

beforeAll(async () => {
  const tenant = await createTenant({ maxApps: 10 });
  const other = await createTenant();
  tenantId = tenant.id;
  appName = (await createApp(tenant.id)).name;
  const sibling = await createApp(tenant.id);
  await createApp(other.id);

  const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });
  const jwtOf = async (tenant: string, role: "owner" | "editor" | "viewer") => {
    const user = await createUser(tenant, role);
    return login(user.email, user.password);
  };

  const revoked = await createToken({ name: "revoked", scope: "global" });
  await api("DELETE", `/api/v1/tokens/${revoked.id}`);
  const expiring = await createUser(tenant.id, "owner");
  const live = (await api("GET", "/api/v1/auth/me", { token: await login(expiring.email, expiring.password) })).body.data;
  const expired = await new SignJWT({ sid: live.sessionId })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(expiring.id)
    .setJti(live.sessionId)
    .setIssuer("streamhub")
    .setAudience("streamhub-dashboard")
    .setExpirationTime(Math.floor(Date.now() / 1000) - 10)
    .sign(utf8("test-jwt-secret-0123456789abcdef0123456789"));

  Object.assign(credentials, {
    anonymous: { headers: {} },
    malformed: { headers: { Authorization: "Bearer not a token" } },
    revokedToken: bearer(revoked.token),
    expiredJwt: bearer(expired),
    tokenFromDisallowedIp: bearer((await createToken({ name: "pinned", scope: "global", allowedIps: ["203.0.113.99"] })).token),
    otherAppToken: bearer((await createToken({ name: "sibling", scope: "app", appId: sibling.name })).token),
    appToken: bearer((await createToken({ name: "own", scope: "app", appId: appName })).token),
    viewer: bearer(await jwtOf(tenant.id, "viewer")),
    editor: bearer(await jwtOf(tenant.id, "editor")),
    owner: bearer(await jwtOf(tenant.id, "owner")),
    otherTenantOwner: bearer(await jwtOf(other.id, "owner")),
    superadmin: bearer(await login(ADMIN.user, ADMIN.password)),
    globalToken: bearer((await createToken({ name: "global", scope: "global" })).token),
  } satisfies Record<Caller, { headers: Record<string, string> }>);
});

describe("every route × every caller", () => {
  it("has a probe for every registered route", () => {
    expect(new Set(Object.keys(PROBES))).toEqual(new Set(registeredRoutes()));
  });

  it("answers each caller with the exact status", async () => {
    const mismatches: string[] = [];
    for (const [route, probe] of Object.entries(PROBES)) {
      const method = route.split(" ")[0]!;
      const path = probe.path.replace("{app}", appName).replace("{tenantId}", tenantId);
      const expectations: [Caller, number][] = [
        ...INVALID.map((caller): [Caller, number] => [caller, probe.public ? probe.expect[0] : 401]),
        ...VALID.map((caller, index): [Caller, number] => [caller, probe.expect[index]!]),
      ];
      for (const [caller, expected] of expectations) {
        const response = await api(method, path, { token: null, headers: credentials[caller].headers, json: probe.json });
        if (response.status !== expected) mismatches.push(`${route} as ${caller}: expected ${expected}, got ${response.status} ${JSON.stringify(response.body?.error?.code)}`);
      }
    }
    expect(mismatches).toEqual([]);
    // About a thousand requests one after another: seconds, not the default 5 s, on a busy machine.
  }, 120_000);
});
