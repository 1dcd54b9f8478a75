// Unit tests of the dashboard's client logic that runs in the browser (web/src):
// the SSE parser of the live feed, and the permission table that decides what
// each role is shown. web/ has its own tsconfig (DOM, JSX); these modules are
// DOM-free and loaded here by path, so the two type worlds stay apart.
import { describe, expect, it } from "vitest";
import { ROOT } from "../../selfhost/build.ts";

interface SseModule {
  parseSse(buffer: string): { messages: { event: string; data: string }[]; rest: string; retryMs?: number };
}
interface PermissionsModule {
  ROLE_PERMISSIONS: unknown;
  can(me: unknown, permission: string): boolean;
}
const load = <T>(path: string): Promise<T> => import(/* @vite-ignore */ `${ROOT}${path}`) as Promise<T>;

describe("the dashboard's live-feed parser (web/src/live/sse.ts)", () => {
  it("splits complete messages, keeps the unfinished rest, skips comments and reads retry", async () => {
    const { parseSse } = await load<SseModule>("web/src/live/sse.ts");
    const { messages, rest, retryMs } = parseSse('retry: 2000\n\nevent: streams\ndata: []\n\n: keep-alive\n\nevent: streams\ndata: [{"a"');
    expect(messages).toEqual([{ event: "streams", data: "[]" }]);
    expect(rest).toBe('event: streams\ndata: [{"a"');
    expect(retryMs).toBe(2000);
  });

  it("joins multi-line data, defaults the event name, accepts CRLF, and finishes a message split across chunks", async () => {
    const { parseSse } = await load<SseModule>("web/src/live/sse.ts");
    expect(parseSse("data: a\r\ndata: b\r\n\r\n").messages).toEqual([{ event: "message", data: "a\nb" }]);
    const first = parseSse("event: streams\nda");
    expect(first.messages).toEqual([]);
    expect(parseSse(`${first.rest}ta: [1]\n\n`).messages).toEqual([{ event: "streams", data: "[1]" }]);
  });
});

describe("the dashboard's permission table (web/src/auth/permissions.ts)", () => {
  it("is the server's (functions/lib/auth/permissions.ts)", async () => {
    const dashboard = await load<PermissionsModule>("web/src/auth/permissions.ts");
    const server = await load<{ ROLE_PERMISSIONS: unknown }>("functions/lib/auth/permissions.ts");
    expect(dashboard.ROLE_PERMISSIONS).toEqual(server.ROLE_PERMISSIONS);
  });

  it("gives superadmins and global tokens everything, members what their role allows", async () => {
    const { can } = await load<PermissionsModule>("web/src/auth/permissions.ts");
    const member = (role: string) => ({ userId: "u", tenantId: "t", role, isSuperadmin: false, scope: "user", via: "user_jwt" });
    expect(can({ ...member("superadmin"), isSuperadmin: true, via: "admin_jwt" }, "superadmin")).toBe(true);
    expect(can({ ...member("service"), scope: "global", via: "api_token" }, "app:delete")).toBe(true);
    expect(can(member("owner"), "superadmin")).toBe(false);
    expect(can(member("owner"), "app:delete")).toBe(true);
    expect(can(member("editor"), "app:delete")).toBe(false);
    expect(can(member("editor"), "stream:stop")).toBe(true);
    expect(can(member("viewer"), "stream:stop")).toBe(false);
    expect(can(member("viewer"), "audit:read")).toBe(false);
    expect(can(undefined, "app:read")).toBe(false);
  });
});
