// The repository and driver suites over an actor's own SQLite storage, inside
// workerd. Each run gets a never-used actor whose storage is then emptied
// (deleteAll also drops the schema its constructor created), so every suite
// starts from the same empty database as it does over libSQL.
import { env, runInDurableObject } from "cloudflare:test";
import { analyticsRepositorySuite } from "./app/analytics.repo.suite.ts";
import { appStateRepositorySuite } from "./app/app-state.repo.suite.ts";
import { registryRepositorySuite } from "./registry/registry.repo.suite.ts";
import { ActorSqlDriver } from "../core/db/actor-driver.ts";
import { driverSuite, type WithDriver } from "../core/db/migrate.suite.ts";

const withActorSql: WithDriver = (body) =>
  runInDurableObject(env.APP.get(env.APP.newUniqueId()), async (_instance, state) => {
    await state.storage.deleteAll();
    await body(new ActorSqlDriver(state.storage));
  });

driverSuite("actor SQL storage", withActorSql);
registryRepositorySuite("actor SQL storage", withActorSql);
appStateRepositorySuite("actor SQL storage", withActorSql);
analyticsRepositorySuite("actor SQL storage", withActorSql);
