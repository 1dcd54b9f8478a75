// `restore` of an archive made by someone other than `backup` (the security
// review of selfhost/backup.ts): whoever owns the backup folder and knows
// STREAMHUB_BACKUP_KEY can write any archive, with a manifest whose paths
// leave DATA_DIR and whose SHA-256 are right. Each forged archive here is
// refused in one line with the CLI's failure code, and afterwards every file
// under the test's folder — DATA_DIR, the victims beside it, the archive — has
// the same content and mode as before, and nothing was added.
import { createCipheriv, createHash, randomBytes, scryptSync } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { BACKUP_FORMAT, restoreBackup } from "../../selfhost/backup.ts";
import { runCli } from "../e2e/cli-run.ts";
import { temporaryFolders } from "./process.ts";

const folders = temporaryFolders("streamhub-forged-");
afterAll(() => folders.removeAll());

const KEY = "forged-archive-passphrase-0123";
const APP_FILE = `actors/streamhub-app/${"cd".repeat(32)}.sqlite`;
const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

/** A ustar archive as `tar` writes one (names over 100 bytes split into the prefix field). */
function tar(entries: { name: string; data?: Buffer | string; type?: string }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const { name, data = "", type = "0" } of entries) {
    const body = Buffer.from(data);
    const header = Buffer.alloc(512);
    const split = Buffer.byteLength(name) <= 100 ? -1 : name.lastIndexOf("/");
    header.write(split === -1 ? name : name.slice(split + 1), 0, 100);
    if (split !== -1) header.write(name.slice(0, split), 345, 155);
    header.write("0000600\0", 100);
    header.write("0000000\0", 108);
    header.write("0000000\0", 116);
    header.write(`${body.length.toString(8).padStart(11, "0")}\0`, 124);
    header.write("00000000000\0", 136);
    header.write("        ", 148);
    header.write(type, 156);
    header.write("ustar\0", 257);
    header.write("00", 263);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** The archive format of selfhost/backup.ts, encrypted as `backup` encrypts with STREAMHUB_BACKUP_KEY. */
function encrypt(gzipped: Buffer, passphrase: string): Buffer {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", scryptSync(passphrase, salt, 32, { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }), iv);
  return Buffer.concat([Buffer.from("STREAMHUB-BACKUP-AES256GCM-1\n"), salt, iv, cipher.update(gzipped), cipher.final(), cipher.getAuthTag()]);
}

let forged = 0;
type Listed = { path: string; sha256: string };

/** A forged archive: its manifest lists what it is told to, its tar holds `entries` besides. */
function forge(dir: string, manifest: { databases?: Listed[]; files?: Listed[]; secrets?: boolean }, entries: { name: string; data?: Buffer | string; type?: string }[] = [], options: { encrypted?: boolean } = {}) {
  const full = {
    format: BACKUP_FORMAT,
    version: 1,
    createdAt: new Date().toISOString(),
    host: "forger",
    streamhubVersion: "0.0.0",
    databases: (manifest.databases ?? []).map((db) => ({ kind: "app", app: null, bytes: 0, ...db })),
    secrets: manifest.secrets ?? false,
    files: manifest.files ?? [],
  };
  const gzipped = gzipSync(tar([{ name: "manifest.json", data: JSON.stringify(full) }, ...entries]));
  const path = join(dir, "backups", `forged-${++forged}.tar.gz${options.encrypted ? ".enc" : ""}`);
  mkdirSync(join(dir, "backups"), { recursive: true });
  writeFileSync(path, options.encrypted ? encrypt(gzipped, KEY) : gzipped);
  return path;
}

/**
 * A folder with DATA_DIR at `<root>/nest/data` (holding secrets.json, no
 * databases yet) and victims outside it: `<root>/victim` (0644, with a
 * `victim-wal` beside it that a restore would remove) and `<root>/nest/moved`.
 */
function scene() {
  const root = folders.make();
  const dataDir = join(root, "nest", "data");
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, "secrets.json"), JSON.stringify({ STREAMHUB_SECRET_KEY: "k".repeat(40) }));
  const victim = join(root, "victim");
  writeFileSync(victim, "the operator's file\n");
  chmodSync(victim, 0o644);
  writeFileSync(`${victim}-wal`, "beside it\n");
  writeFileSync(join(root, "nest", "moved"), "another file of the operator's\n");
  chmodSync(join(root, "nest", "moved"), 0o644);
  return { root, dataDir, victim };
}

/** Every file and folder under `dir` with its type, mode and content (symbolic links not followed). */
function tree(dir: string): Record<string, string> {
  const seen: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    const mode = (statSync(path, { throwIfNoEntry: false })?.mode ?? 0).toString(8);
    seen[path.slice(dir.length)] = entry.isFile() ? `file ${mode} ${sha256(readFileSync(path))}` : entry.isDirectory() ? `dir ${mode}` : entry.isSymbolicLink() ? "link" : "other";
  }
  return seen;
}

/** A path from anywhere to `absolute`: enough `..` to reach `/` from any folder the restore works in. */
const climb = (absolute: string) => `${"../".repeat(40)}${absolute.slice(1)}`;

describe("restore refuses a forged archive and touches nothing", () => {
  it("whose databases name a file outside DATA_DIR by climbing out (its -wal removed, it chmod'ed 0600 before)", async () => {
    const { root, dataDir, victim } = scene();
    const archive = forge(root, { databases: [{ path: climb(victim), sha256: sha256(readFileSync(victim)) }] });
    const before = tree(root);
    await expect(restoreBackup({ archive, dataDir })).rejects.toThrow(/manifest lists ".*victim" as a database, but databases are actors\/<class>\/<id>\.sqlite: refused/);
    expect(tree(root)).toEqual(before);
    expect(statSync(victim).mode & 0o777).toBe(0o644);
    expect(existsSync(`${victim}-wal`)).toBe(true);
  });

  it("whose node files name a path that leaves DATA_DIR (the file it names moved out of its folder before)", async () => {
    const { root, dataDir } = scene();
    // From the unpacked folder (DATA_DIR/.restore-…/q) this is <root>/nest/moved; from DATA_DIR/q it is <root>/moved.
    const path = "q/../../../moved";
    const archive = forge(root, { files: [{ path, sha256: sha256(readFileSync(join(root, "nest", "moved"))) }] });
    const before = tree(root);
    await expect(restoreBackup({ archive, dataDir })).rejects.toThrow(/among the node's files, which are only secrets\.json and secret-key-check: refused/);
    expect(tree(root)).toEqual(before);
    expect(existsSync(join(root, "moved"))).toBe(false);
  });

  it("whose database path is absolute or climbs out past the class folder, or whose tar holds an entry no backup holds (.archive.tar would overwrite the tar being read)", async () => {
    const { root, dataDir, victim } = scene();
    const content = readFileSync(victim);
    for (const forged of [
      forge(root, { databases: [{ path: victim, sha256: sha256(content) }] }),
      forge(root, { databases: [{ path: `actors/streamhub-app/../../../../victim`, sha256: sha256(content) }] }),
      forge(root, { databases: [] }, [{ name: ".archive.tar", data: "x".repeat(4096) }]),
      forge(root, { databases: [] }, [{ name: "actors/streamhub-app/notes.txt", data: "x" }]),
      forge(root, { databases: [] }, [{ name: "manifest.json", data: "{}" }]),
    ]) {
      const before = tree(root);
      await expect(restoreBackup({ archive: forged, dataDir })).rejects.toThrow(/refused|unexpected entry/);
      expect(tree(root)).toEqual(before);
    }
  });

  it("whose database would go through a symbolic link in DATA_DIR to a folder outside it", async () => {
    const { root, dataDir } = scene();
    mkdirSync(join(root, "elsewhere"));
    mkdirSync(join(dataDir, "actors"));
    symlinkSync(join(root, "elsewhere"), join(dataDir, "actors", "streamhub-app"));
    const archive = forge(root, { databases: [{ path: APP_FILE, sha256: sha256("db") }] }, [{ name: APP_FILE, data: "db" }]);
    const before = tree(root);
    await expect(restoreBackup({ archive, dataDir })).rejects.toThrow(/actors\/streamhub-app is a symbolic link: restore puts files only in real folders under DATA_DIR/);
    expect(tree(root)).toEqual(before);
    expect(readdirSync(join(root, "elsewhere"))).toEqual([]);
  });

  it("whose entry is a link rather than a file", async () => {
    const { root, dataDir } = scene();
    const archive = forge(root, { databases: [] }, [{ name: APP_FILE, type: "2" }]);
    const before = tree(root);
    await expect(restoreBackup({ archive, dataDir })).rejects.toThrow(/is not a plain file/);
    expect(tree(root)).toEqual(before);
  });

  it("that unpacks to more than the limit", async () => {
    const { root, dataDir } = scene();
    const big = Buffer.alloc(3 * 1024 * 1024);
    const archive = forge(root, { databases: [{ path: APP_FILE, sha256: sha256(big) }] }, [{ name: APP_FILE, data: big }]);
    const before = tree(root);
    await expect(restoreBackup({ archive, dataDir, maxBytes: 1024 * 1024 })).rejects.toThrow(/the archive unpacks to more than 1 MB: refused/);
    expect(tree(root)).toEqual(before);
    // Under the limit the same archive restores: the limit is all that refused it.
    await restoreBackup({ archive, dataDir, maxBytes: 4 * 1024 * 1024 });
    expect(sha256(readFileSync(join(dataDir, APP_FILE)))).toBe(sha256(big));
  });

  it("through the CLI: exit 1 and one line, plain or encrypted with the right key", { timeout: 60_000 }, async () => {
    const { root, dataDir, victim } = scene();
    const databases = [{ path: climb(victim), sha256: sha256(readFileSync(victim)) }];
    for (const [archive, env] of [
      [forge(root, { databases }), { STREAMHUB_BACKUP_KEY: undefined }],
      [forge(root, { databases }, [], { encrypted: true }), { STREAMHUB_BACKUP_KEY: KEY }],
    ] as const) {
      const before = tree(root);
      const result = await runCli(["restore", archive], { DATA_DIR: dataDir, ...env });
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toMatch(/^streamhub restore: the archive's manifest lists ".*victim" as a database, but databases are actors\/<class>\/<id>\.sqlite: refused \(not an archive `backup` makes\)\n$/);
      expect(tree(root)).toEqual(before);
      expect(statSync(victim).mode & 0o777).toBe(0o644);
    }
    const big = Buffer.alloc(3 * 1024 * 1024);
    const large = forge(root, { databases: [{ path: APP_FILE, sha256: sha256(big) }] }, [{ name: APP_FILE, data: big }]);
    const before = tree(root);
    const result = await runCli(["restore", large], { DATA_DIR: dataDir, STREAMHUB_BACKUP_KEY: undefined, STREAMHUB_RESTORE_MAX_MB: "1" });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/^streamhub restore: the archive unpacks to more than 1 MB: refused before it fills the disk \(raise STREAMHUB_RESTORE_MAX_MB if the backup really is that large\)\n$/);
    expect(tree(root)).toEqual(before);
  });
});
