// The few runtime types the baseline Worker uses. bench/ is type-checked with
// Node's types (tsconfig.node.json), where workerd's are absent. They are
// declared inside the module (in workerd most are globals) so that nothing
// leaks into the rest of the Node project.
declare module "cloudflare:workers" {
  interface SqlCursor<Row> {
    one(): Row;
  }

  export interface DurableObjectState {
    storage: { sql: { exec<Row = Record<string, unknown>>(query: string, ...bindings: unknown[]): SqlCursor<Row> } };
  }

  /** A stub: every public method of the actor, called over RPC. */
  export type Stub<Actor> = { [K in keyof Actor]: Actor[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never };

  export interface DurableObjectNamespace<Actor> {
    idFromName(name: string): unknown;
    get(id: unknown): Stub<Actor>;
  }

  export abstract class DurableObject<Env = unknown> {
    protected ctx: DurableObjectState;
    protected env: Env;
    constructor(ctx: DurableObjectState, env: Env);
  }
}
