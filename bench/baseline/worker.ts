// The two baselines StreamHub's budgets are ratios of, on the same workerd:
// a bare Hono route, and a route making one actor RPC call that does one
// SQLite insert (one write, so one fsync, per request).
import { DurableObject, type DurableObjectNamespace, type DurableObjectState } from "cloudflare:workers";
import { Hono } from "hono";

interface Env {
  WRITER: DurableObjectNamespace<Writer>;
}

export class Writer extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS hits (id INTEGER PRIMARY KEY, at INTEGER NOT NULL)");
  }

  insert(): number {
    return this.ctx.storage.sql.exec<{ id: number }>("INSERT INTO hits (at) VALUES (?) RETURNING id", Date.now()).one().id;
  }
}

const app = new Hono<{ Bindings: Env }>();

app.get("/bare", (c) => c.json({ data: { ok: true }, error: null }));

app.post("/insert", async (c) => {
  const id = await c.env.WRITER.get(c.env.WRITER.idFromName("one")).insert();
  return c.json({ data: { id }, error: null }, 201);
});

export default app;
