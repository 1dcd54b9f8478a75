import { describe, expect, it } from "vitest";
import { migrate, type Migration } from "./migrate.ts";
import { sql, type SqlDriver } from "./sql.ts";

/** Runs `body` against a fresh, empty database of one driver. */
export type WithDriver = (body: (db: SqlDriver) => Promise<void>) => Promise<void>;

const v1: Migration = { version: 1, name: "notes", statements: ["CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"] };
const v2: Migration = { version: 2, name: "note tags", statements: ["ALTER TABLE notes ADD COLUMN tag TEXT"] };

/** The driver contract and the migration runner, run against each driver implementation. */
export function driverSuite(name: string, withDriver: WithDriver) {
  describe(`SQL driver and migrations: ${name}`, () => {
    it("applies pending migrations once, in order, and records them", () =>
      withDriver(async (db) => {
        expect(await migrate(db, [v1])).toBe(1);
        expect(await migrate(db, [v1, v2])).toBe(2);
        expect(await migrate(db, [v1, v2])).toBe(2);
        const applied = await db.all<{ version: number; name: string }>(sql`SELECT version, name FROM schema_migrations ORDER BY version`);
        expect(applied).toEqual([
          { version: 1, name: "notes" },
          { version: 2, name: "note tags" },
        ]);
        await db.run(sql`INSERT INTO notes (body, tag) VALUES (${"hello"}, ${"t"})`);
        expect(await db.one(sql`SELECT body, tag FROM notes`)).toEqual({ body: "hello", tag: "t" });
      }));

    it("refuses an edited history and a database newer than the build", () =>
      withDriver(async (db) => {
        await migrate(db, [v1, v2]);
        await expect(migrate(db, [v1, { ...v2, name: "renamed" }])).rejects.toThrow(/applied as "note tags"/);
        await expect(migrate(db, [v1])).rejects.toThrow(/newer than this build/);
        await expect(migrate(db, [v2])).rejects.toThrow(/append-only/);
      }));

    it("rolls a failed migration back completely", () =>
      withDriver(async (db) => {
        await migrate(db, [v1]);
        const broken: Migration = { version: 2, name: "broken", statements: ["ALTER TABLE notes ADD COLUMN tag TEXT", "THIS IS NOT SQL"] };
        await expect(migrate(db, [v1, broken])).rejects.toThrow(/THIS IS NOT SQL/);
        const columns = await db.all<{ name: string }>(sql`SELECT name FROM pragma_table_info('notes')`);
        expect(columns.map((c) => c.name)).toEqual(["id", "body"]);
        expect(await db.all(sql`SELECT version FROM schema_migrations`)).toEqual([{ version: 1 }]);
      }));

    it("binds values as parameters and reports changes", () =>
      withDriver(async (db) => {
        await migrate(db, [v1]);
        const hostile = "x'); DROP TABLE notes; --";
        await db.run(sql`INSERT INTO notes (body) VALUES (${hostile})`);
        expect(await db.one(sql`SELECT body FROM notes`)).toEqual({ body: hostile });
        expect((await db.run(sql`UPDATE notes SET body = ${"y"}`)).changes).toBe(1);
        expect(await db.one(sql`SELECT body FROM notes WHERE body = ${"missing"}`)).toBeNull();
      }));

    it("makes a batch all-or-nothing", () =>
      withDriver(async (db) => {
        await migrate(db, [v1]);
        await expect(
          db.batch([sql`INSERT INTO notes (id, body) VALUES (1, ${"a"})`, sql`INSERT INTO notes (id, body) VALUES (1, ${"duplicate"})`]),
        ).rejects.toThrow(/UNIQUE|PRIMARY KEY/);
        expect(await db.all(sql`SELECT * FROM notes`)).toEqual([]);
      }));
  });
}
