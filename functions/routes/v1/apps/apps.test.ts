import { env, runInDurableObject } from "cloudflare:test";
import { registry } from "../../../../core/actors.ts";
import { describe, expect, it } from "vitest";
import { api, uniqueAppName } from "../../../testing.ts";

const actorOf = (name: string) => env.APP.get(env.APP.idFromName(name));

describe("apps: create, read, list, change, delete", () => {
  it("creates an app with defaults and its own actor database", async () => {
    const name = uniqueAppName();
    const created = await api("POST", "/api/v1/apps", { json: { name } });
    expect(created.status).toBe(201);
    expect(created.body.error).toBeNull();
    expect(created.body.data).toMatchObject({ name, displayName: name, livekitRoomPrefix: name, settingsJson: "{}" });
    expect(created.body.data).not.toHaveProperty("settings");
    expect(created.body.data.id).toBeTypeOf("number");
    expect(created.headers.get("X-Request-Id")).toBeTruthy();

    const summary = await actorOf(name).summary();
    expect(summary?.identity).toEqual({ name, roomPrefix: name, tenantId: "platform", appId: created.body.data.id });

    const read = await api("GET", `/api/v1/apps/${name}`);
    expect(read.status).toBe(200);
    expect(read.body.data).toEqual(created.body.data);
  });

  it("takes a display name and room prefix", async () => {
    const name = uniqueAppName();
    const prefix = `p${name}`.slice(0, 40);
    const created = await api("POST", "/api/v1/apps", { json: { name, displayName: "  My Show  ", roomPrefix: prefix } });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ displayName: "My Show", livekitRoomPrefix: prefix });
  });

  it("lists apps a page at a time, with the total", async () => {
    const names = [uniqueAppName("list"), uniqueAppName("list"), uniqueAppName("list")];
    for (const name of names) expect((await api("POST", "/api/v1/apps", { json: { name } })).status).toBe(201);
    const all = await api("GET", "/api/v1/apps?limit=1000");
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ limit: 1000, offset: 0, error: null });
    expect(all.body.data.map((a: any) => a.name)).toEqual(expect.arrayContaining(names));
    expect(all.body.total).toBe(all.body.data.length);

    const second = await api("GET", "/api/v1/apps?limit=1&offset=1");
    expect(second.body.data).toHaveLength(1);
    expect(second.body.data[0]).toEqual(all.body.data[1]);
    expect(second.body.total).toBe(all.body.total);
  });

  it("merges changes, keeps the callback secret encrypted in the app's actor and shows it masked", async () => {
    const name = uniqueAppName();
    await api("POST", "/api/v1/apps", { json: { name } });
    const first = await api("PATCH", `/api/v1/apps/${name}`, {
      json: { recordingEnabled: true, splitMinutes: 30, features: { chat: true }, callbackSecret: "callback-secret-value-1" },
    });
    expect(first.status).toBe(200);
    const second = await api("PATCH", `/api/v1/apps/${name}`, {
      json: { displayName: "Renamed", features: { publicPlayback: false }, callbackUrl: "https://hooks.example.com/in" },
    });
    expect(second.status).toBe(200);
    expect(second.body.data).toMatchObject({ displayName: "Renamed" });
    // One copy of the settings, in the original's settingsJson string.
    expect(second.body.data).not.toHaveProperty("settings");
    expect(JSON.parse(second.body.data.settingsJson)).toMatchObject({
      recordingEnabled: true,
      splitMinutes: 30,
      callbackUrl: "https://hooks.example.com/in",
      callbackSecretMasked: "ca***-1",
      features: { chat: true, publicPlayback: false },
    });
    expect(JSON.stringify(second.body)).not.toContain("callback-secret-value-1");

    const actor = actorOf(name);
    expect(await actor.revealSecret("callbackSecret")).toBe("callback-secret-value-1");
    expect((await actor.summary())?.secretNames).toEqual(["callbackSecret"]);

    const cleared = await api("PATCH", `/api/v1/apps/${name}`, { json: { callbackSecret: null } });
    expect(JSON.parse(cleared.body.data.settingsJson).callbackSecretMasked).toBeNull();
    expect(await actor.revealSecret("callbackSecret")).toBeNull();
  });

  it("moves the room prefix in the registry and the actor together", async () => {
    const name = uniqueAppName();
    await api("POST", "/api/v1/apps", { json: { name } });
    const changed = await api("PATCH", `/api/v1/apps/${name}`, { json: { roomPrefix: `r-${name}` } });
    expect(changed.body.data.livekitRoomPrefix).toBe(`r-${name}`);
    expect((await actorOf(name).summary())?.identity.roomPrefix).toBe(`r-${name}`);
  });

  it("deletes an app and wipes its database; a re-create starts empty", async () => {
    const name = uniqueAppName();
    const first = await api("POST", "/api/v1/apps", { json: { name } });
    await api("PATCH", `/api/v1/apps/${name}`, { json: { callbackSecret: "to-be-wiped-secret-1" } });

    const deleted = await api("DELETE", `/api/v1/apps/${name}?deleteVods=true`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ data: { deleted: true, name }, error: null });
    expect((await api("GET", `/api/v1/apps/${name}`)).status).toBe(404);
    expect(await actorOf(name).summary()).toBeNull();
    expect((await api("DELETE", `/api/v1/apps/${name}`)).status).toBe(404);

    const again = await api("POST", "/api/v1/apps", { json: { name } });
    expect(again.status).toBe(201);
    expect(again.body.data.id).not.toBe(first.body.data.id);
    expect(JSON.parse(again.body.data.settingsJson)).toEqual({});
    expect((await actorOf(name).summary())?.secretNames).toEqual([]);
    expect(await actorOf(name).revealSecret("callbackSecret")).toBeNull();
  });

  it("writes nothing to the app's actor at create; it adopts who it is from the registry at first use", async () => {
    const name = uniqueAppName();
    await api("POST", "/api/v1/apps", { json: { name, roomPrefix: `first-${name}`.slice(0, 40) } });
    const before = await runInDurableObject(actorOf(name), async (_instance, state) => state.storage.sql.exec("SELECT key FROM config").toArray());
    expect(before).toEqual([]);
    const created = (await api("GET", `/api/v1/apps/${name}`)).body.data;
    expect((await actorOf(name).summary())?.identity).toEqual({ name, roomPrefix: `first-${name}`.slice(0, 40), tenantId: "platform", appId: created.id });
  });

  it("clearing for a reused name spares a database that is already the new app's (two creates raced)", async () => {
    const name = uniqueAppName();
    await api("POST", "/api/v1/apps", { json: { name } });
    await api("PATCH", `/api/v1/apps/${name}`, { json: { callbackSecret: "the-new-apps-secret-1" } });
    await actorOf(name).clearForReuse();
    expect(await actorOf(name).revealSecret("callbackSecret")).toBe("the-new-apps-secret-1");
    // Once the registry no longer has that app, the same call clears it.
    await registry(env).deleteApp(name);
    await actorOf(name).clearForReuse();
    expect(await runInDurableObject(actorOf(name), async (_instance, state) => state.storage.sql.exec("SELECT key FROM config").toArray())).toEqual([]);
  });

  it("a database from before identities carried the app's id is checked once: older than the app of its name, it goes", async () => {
    const name = uniqueAppName();
    await api("POST", "/api/v1/apps", { json: { name } });
    // What an older version left: an identity without appId, initialized before this app was created.
    await runInDurableObject(actorOf(name), async (_instance, state) => {
      const long_ago = new Date(Date.now() - 86_400_000).toISOString();
      state.storage.sql.exec("INSERT INTO config (key, value_json, updated_at) VALUES ('identity', ?, ?), ('initialized_at', ?, ?)", JSON.stringify({ name, roomPrefix: "old-prefix", tenantId: "gone" }), long_ago, JSON.stringify(long_ago), long_ago);
      state.storage.sql.exec("INSERT INTO secrets (name, sealed, updated_at) VALUES ('callbackSecret', 'stale', ?)", long_ago);
    });
    const summary = await actorOf(name).summary();
    expect(summary?.identity).toMatchObject({ name, roomPrefix: name, tenantId: "platform" });
    expect(summary?.secretNames).toEqual([]);
  });

  it("a create that reuses a deleted app's name starts empty even when that app's wipe never ran", async () => {
    const name = uniqueAppName();
    await api("POST", "/api/v1/apps", { json: { name, roomPrefix: `old-${name}`.slice(0, 40) } });
    await api("PATCH", `/api/v1/apps/${name}`, { json: { callbackSecret: "left-behind-secret-1" } });
    // The registry row goes, but the actor is never wiped (a crash between the two).
    expect(await registry(env).deleteApp(name)).toBe(true);
    expect(await actorOf(name).revealSecret("callbackSecret")).toBe("left-behind-secret-1");

    expect((await api("POST", "/api/v1/apps", { json: { name } })).status).toBe(201);
    expect(await actorOf(name).revealSecret("callbackSecret")).toBeNull();
    expect((await actorOf(name).summary())?.identity.roomPrefix).toBe(name);
  });
});
