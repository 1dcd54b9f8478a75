// selfhost/backup.ts on a DATA_DIR laid out as workerd lays it out, with a
// writer holding its WAL open the way workerd does: what is only in the WAL is
// in the backup, a damaged or tampered archive is refused, long actor paths
// survive the tar round trip.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, describe, expect, it } from "vitest";
import { createBackup, pruneBackups, restoreBackup } from "./backup.ts";

const dirs: string[] = [];
const temp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const APP_FILE = `actors/streamhub-app/${"ab".repeat(32)}.sqlite`;

/** A DATA_DIR with one app database whose rows live only in its WAL while `writer` stays open (as under workerd). */
function liveDataDir() {
  const dataDir = temp("streamhub-backup-unit-");
  mkdirSync(join(dataDir, "actors/streamhub-app"), { recursive: true });
  writeFileSync(join(dataDir, "secrets.json"), JSON.stringify({ STREAMHUB_SECRET_KEY: "k".repeat(40) }));
  writeFileSync(join(dataDir, "secret-key-check"), "v1.sealed-check-value\n");
  const writer = new DatabaseSync(join(dataDir, APP_FILE));
  writer.exec("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;");
  writer.exec("CREATE TABLE config (key TEXT PRIMARY KEY, value_json TEXT NOT NULL, updated_at TEXT NOT NULL)");
  writer.prepare("INSERT INTO config VALUES ('identity', ?, 'now')").run(JSON.stringify({ name: "shows" }));
  for (let i = 0; i < 100; i++) writer.prepare("INSERT INTO config VALUES (?, '1', 'now')").run(`row-${i}`);
  return { dataDir, writer };
}

describe("backup archives", () => {
  it("hold what is only in the WAL of a database another process has open, and restore it", async () => {
    const { dataDir, writer } = liveDataDir();
    try {
      const made = await createBackup({ dataDir, outDir: temp("streamhub-out-"), passphrase: "unit-test-passphrase-0123" });
      expect(made.manifest.databases).toEqual([expect.objectContaining({ path: APP_FILE, kind: "app", app: "shows" })]);
      const target = temp("streamhub-restore-");
      const restored = await restoreBackup({ archive: made.path, dataDir: target, passphrase: "unit-test-passphrase-0123" });
      expect(restored.secrets).toBe("restored");
      // The node's own files travel with the databases.
      expect(readFileSync(join(target, "secret-key-check"), "utf8")).toBe("v1.sealed-check-value\n");
      const copy = new DatabaseSync(join(target, APP_FILE), { readOnly: true });
      expect((copy.prepare("SELECT COUNT(*) AS n FROM config").get() as { n: number }).n).toBe(101);
      copy.close();
    } finally {
      writer.close();
    }
  });

  it("refuse a tampered archive and leave DATA_DIR empty", async () => {
    const { dataDir, writer } = liveDataDir();
    writer.close();
    const made = await createBackup({ dataDir, outDir: temp("streamhub-out-"), passphrase: "unit-test-passphrase-0123" });
    const bytes = readFileSync(made.path);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    writeFileSync(made.path, bytes);
    const target = temp("streamhub-restore-");
    await expect(restoreBackup({ archive: made.path, dataDir: target, passphrase: "unit-test-passphrase-0123" })).rejects.toThrow(/cannot be decrypted/);
    expect(() => readFileSync(join(target, APP_FILE))).toThrow();
  });

  it("keep only the newest archives", () => {
    const dir = temp("streamhub-prune-");
    const names = ["20261129T100000.000Z", "20261129T110000.000Z", "20261129T120000.000Z"].map((t) => `streamhub-backup-${t}.tar.gz`);
    for (const name of [...names, "unrelated.txt"]) writeFileSync(join(dir, name), "");
    expect(pruneBackups(dir, 2)).toEqual([names[0]]);
    expect(pruneBackups(dir, 2)).toEqual([]);
  });
});
