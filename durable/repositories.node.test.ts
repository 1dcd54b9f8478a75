// The repository and driver suites over @libsql/client, in Node. The same
// suites run over the actors' own SQLite inside workerd (repositories.test.ts).
import { createClient } from "@libsql/client";
import { analyticsRepositorySuite } from "./app/analytics.repo.suite.ts";
import { appStateRepositorySuite } from "./app/app-state.repo.suite.ts";
import { registryRepositorySuite } from "./registry/registry.repo.suite.ts";
import { LibsqlDriver } from "../core/db/libsql-driver.ts";
import { driverSuite, type WithDriver } from "../core/db/migrate.suite.ts";

const withLibsql: WithDriver = async (body) => {
  const client = createClient({ url: ":memory:" });
  try {
    await body(new LibsqlDriver(client));
  } finally {
    client.close();
  }
};

driverSuite("libSQL", withLibsql);
registryRepositorySuite("libSQL", withLibsql);
appStateRepositorySuite("libSQL", withLibsql);
analyticsRepositorySuite("libSQL", withLibsql);
