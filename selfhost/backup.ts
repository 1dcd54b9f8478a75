// Backups that restore (issue 14): every actor database under DATA_DIR — the
// Registry, every app's actor, the quota ledgers and each class's alarms —
// copied WHILE the node runs, each consistent on its own: `VACUUM INTO` reads
// the database in one read transaction, which in WAL mode sees one committed
// state and never blocks workerd's writer (see selfhost/cli-db.ts for why that
// holds under workerd). With them `secrets.json` (and `secret-key-check`), without which sealed secrets
// cannot be opened, and a manifest with every file's SHA-256. One archive:
// `streamhub-backup-<UTC time>.tar.gz`, or `….tar.gz.enc` when encrypted with
// STREAMHUB_BACKUP_KEY (AES-256-GCM under a scrypt key), optionally uploaded
// to an S3 bucket of the operator's. `restore` puts it back into an empty DATA_DIR.
import { createCipheriv, createDecipheriv, createHash, randomBytes, scryptSync } from "node:crypto";
import { closeSync, createReadStream, createWriteStream, existsSync, mkdirSync, openSync, lstatSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync, writeSync, chmodSync, fsyncSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join, resolve, sep } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import { AwsClient } from "aws4fetch";
import { appNameOf } from "./cli-sealed.ts";
import { listDatabases, openDatabase, type DatabaseKind } from "./cli-db.ts";

export const BACKUP_FORMAT = "streamhub-backup";

/**
 * The node's own files that travel with its databases: `secrets.json` (the key
 * that opens the sealed secrets, and the rest of the first-run secrets) and
 * `secret-key-check` (the value `npm start` opens to refuse a wrong key).
 */
export const NODE_FILES = ["secrets.json", "secret-key-check"] as const;
const MAGIC = Buffer.from("STREAMHUB-BACKUP-AES256GCM-1\n");
const SALT_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface ManifestDatabase {
  path: string;
  kind: DatabaseKind;
  /** For an app's database: the app's name (null: an actor never initialized). */
  app?: string | null;
  bytes: number;
  sha256: string;
}

export interface Manifest {
  format: typeof BACKUP_FORMAT;
  version: 1;
  createdAt: string;
  host: string;
  streamhubVersion: string;
  databases: ManifestDatabase[];
  /** Whether DATA_DIR/secrets.json is in the archive. */
  secrets: boolean;
  /** The node's own files in the archive besides the databases (NODE_FILES that existed), with their SHA-256. */
  files?: { path: string; sha256: string }[];
}

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackupError";
  }
}

const sha256File = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

/**
 * Where a database lies, relative to DATA_DIR and in an archive: workerd's
 * layout as `listDatabases` finds it (selfhost/cli-db.ts): one folder per actor
 * class, named by its uniqueKey, one `<64 hex digit actor id>.sqlite` per
 * actor and a `metadata.sqlite` per class. A restore puts nothing else there.
 */
export const DATABASE_PATH = /^actors\/[a-z0-9][a-z0-9-]{0,62}\/(?:[0-9a-f]{64}|metadata)\.sqlite$/;

/** The names an archive may hold: its manifest, the node's files and databases. */
const archivable = (name: string) => name === "manifest.json" || (NODE_FILES as readonly string[]).includes(name) || DATABASE_PATH.test(name);

/** `path` resolved under `base`; a BackupError when it would lie anywhere else. */
function inside(base: string, path: string): string {
  const root = resolve(base);
  const full = resolve(root, path);
  if (!full.startsWith(`${root}${sep}`)) throw new BackupError(`${JSON.stringify(path)} lies outside ${root}: refused`);
  return full;
}

/** `20261129T120000.123Z`: sorts by time, and two backups in one second do not share a name. */
const stamp = (date: Date) => date.toISOString().replace(/[-:]/g, "");

/** Archive names sort by time; `pruneBackups` and the S3 retention rely on it. */
export const ARCHIVE_PATTERN = /^streamhub-backup-\d{8}T\d{6}\.\d{3}Z\.tar\.gz(\.enc)?$/;

/**
 * Copies one live database into `dest`, consistent as of one commit. Throws
 * when the copy is not a sound database (quick_check).
 */
export function snapshotDatabase(source: string, dest: string): void {
  const db = openDatabase(source, { readOnly: true });
  try {
    db.prepare("VACUUM INTO ?").run(dest);
  } finally {
    db.close();
  }
  const copy = openDatabase(dest, { readOnly: true });
  try {
    const check = copy.prepare("PRAGMA quick_check").get() as { quick_check: string };
    if (check.quick_check !== "ok") throw new BackupError(`the copy of ${source} fails SQLite's quick_check: ${check.quick_check}`);
  } finally {
    copy.close();
  }
}

// ── tar (ustar), enough for regular files under 8 GB: what `tar tzf` lists ──

function tarHeader(path: string, size: number, mtime: number): Buffer {
  // Longer paths (an actor's file is 64 hex digits) go in ustar's 155-byte prefix, split at a "/".
  const split = Buffer.byteLength(path) <= 100 ? -1 : path.lastIndexOf("/");
  const [prefix, name] = split === -1 ? ["", path] : [path.slice(0, split), path.slice(split + 1)];
  if (Buffer.byteLength(name) > 100 || Buffer.byteLength(prefix) > 155) throw new BackupError(`path too long for the archive: ${path}`);
  const header = Buffer.alloc(512);
  const put = (value: string, offset: number, length: number) => header.write(value, offset, length, "utf8");
  const octal = (value: number, length: number) => value.toString(8).padStart(length - 1, "0") + "\0";
  put(name, 0, 100);
  put(prefix, 345, 155);
  put(octal(0o600, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(size, 12), 124, 12);
  put(octal(Math.floor(mtime / 1000), 12), 136, 12);
  put("        ", 148, 8);
  put("0", 156, 1);
  put("ustar\0", 257, 6);
  put("00", 263, 2);
  let sum = 0;
  for (const byte of header) sum += byte;
  put(sum.toString(8).padStart(6, "0") + "\0 ", 148, 8);
  return header;
}

async function* tarStream(root: string, names: string[]): AsyncGenerator<Buffer> {
  for (const name of names) {
    const path = join(root, name);
    const { size, mtimeMs } = statSync(path);
    yield tarHeader(name, size, mtimeMs);
    for await (const chunk of createReadStream(path)) yield chunk as Buffer;
    if (size % 512) yield Buffer.alloc(512 - (size % 512));
  }
  yield Buffer.alloc(1024);
}

/**
 * Extracts a tar file into `dest`; returns the names extracted. Only plain
 * files with the names a backup holds (`archivable`) are accepted, each once
 * and created afresh: a forged entry (`../x`, `.archive.tar`, a link, a second
 * `manifest.json`) is refused before it is written.
 */
function extractTar(tarPath: string, dest: string): Set<string> {
  const fd = openSync(tarPath, "r");
  const names = new Set<string>();
  try {
    const header = Buffer.alloc(512);
    let offset = 0;
    for (;;) {
      if (readSync(fd, header, 0, 512, offset) < 512 || header.every((byte) => byte === 0)) break;
      const field = (start: number, length: number) => header.toString("utf8", start, start + length).replace(/\0.*$/s, "");
      const name = [field(345, 155), field(0, 100)].filter(Boolean).join("/");
      const size = Number.parseInt(header.toString("utf8", 124, 136).replace(/\0.*$/s, "").trim(), 8);
      const type = header[156]!;
      if (!archivable(name) || names.has(name) || !Number.isFinite(size) || size < 0) throw new BackupError(`the archive holds an unexpected entry: ${JSON.stringify(name)}`);
      if (type !== 0x30 && type !== 0) throw new BackupError(`the archive's entry ${JSON.stringify(name)} is not a plain file (tar type ${JSON.stringify(String.fromCharCode(type))})`);
      offset += 512;
      const target = inside(dest, name);
      mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
      // "wx": never through a file or link already there.
      const out = openSync(target, "wx", 0o600);
      try {
        const buffer = Buffer.alloc(1 << 20);
        for (let done = 0; done < size; ) {
          const read = readSync(fd, buffer, 0, Math.min(buffer.length, size - done), offset + done);
          if (read === 0) throw new BackupError("the archive is truncated");
          writeSync(out, buffer, 0, read);
          done += read;
        }
      } finally {
        closeSync(out);
      }
      names.add(name);
      offset += Math.ceil(size / 512) * 512;
    }
  } finally {
    closeSync(fd);
  }
  return names;
}

// ── encryption ────────────────────────────────────────────────────────────────

const backupKey = (passphrase: string, salt: Buffer) => scryptSync(passphrase, salt, 32, { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });

// ── create ────────────────────────────────────────────────────────────────────

export interface CreatedBackup {
  path: string;
  manifest: Manifest;
  bytes: number;
}

/**
 * Backs up DATA_DIR into `outDir` (the node may be running). With
 * `passphrase`, the archive is encrypted. The archive appears under its final
 * name only once complete.
 */
export async function createBackup(options: { dataDir: string; outDir: string; passphrase?: string; now?: Date }): Promise<CreatedBackup> {
  const dataDir = resolve(options.dataDir);
  const databases = listDatabases(dataDir);
  if (databases.length === 0) throw new BackupError(`no databases under ${dataDir}/actors: is DATA_DIR right, and has the node ever started?`);
  // A restore accepts only workerd's layout: an archive holding anything else would never restore.
  const stray = databases.find((db) => !DATABASE_PATH.test(db.path));
  if (stray) throw new BackupError(`${join(dataDir, stray.path)} is not named as workerd names an actor's database (actors/<class>/<id>.sqlite): move it out of ${dataDir}/actors, or no restore would accept the archive`);
  mkdirSync(options.outDir, { recursive: true, mode: 0o700 });
  const staging = join(options.outDir, `.staging-${process.pid}-${Date.now()}`);
  mkdirSync(staging, { recursive: true, mode: 0o700 });
  const now = options.now ?? new Date();
  const name = `streamhub-backup-${stamp(now)}.tar.gz${options.passphrase ? ".enc" : ""}`;
  const final = join(options.outDir, name);
  const partial = `${final}.partial`;
  try {
    const entries: ManifestDatabase[] = [];
    for (const db of databases) {
      const dest = join(staging, db.path);
      mkdirSync(dirname(dest), { recursive: true, mode: 0o700 });
      snapshotDatabase(join(dataDir, db.path), dest);
      const entry: ManifestDatabase = { path: db.path, kind: db.kind, bytes: statSync(dest).size, sha256: sha256File(dest) };
      if (db.kind === "app") {
        const copy = openDatabase(dest, { readOnly: true });
        entry.app = appNameOf(copy);
        copy.close();
      }
      entries.push(entry);
    }
    const files = NODE_FILES.filter((name) => existsSync(join(dataDir, name))).map((path) => {
      writeFileSync(join(staging, path), readFileSync(join(dataDir, path)), { mode: 0o600 });
      return { path, sha256: sha256File(join(staging, path)) };
    });
    const secrets = files.some((file) => file.path === "secrets.json");
    const manifest: Manifest = {
      format: BACKUP_FORMAT,
      version: 1,
      createdAt: now.toISOString(),
      host: hostname(),
      streamhubVersion: (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version,
      databases: entries,
      secrets,
      files,
    };
    writeFileSync(join(staging, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });

    const names = ["manifest.json", ...files.map((file) => file.path), ...entries.map((entry) => entry.path)];
    const out = createWriteStream(partial, { mode: 0o600 });
    if (options.passphrase) {
      const salt = randomBytes(SALT_BYTES);
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", backupKey(options.passphrase, salt), iv);
      out.write(Buffer.concat([MAGIC, salt, iv]));
      await pipeline(Readable.from(tarStream(staging, names)), createGzip(), cipher, out);
      writeFileSync(partial, cipher.getAuthTag(), { flag: "a" });
    } else {
      await pipeline(Readable.from(tarStream(staging, names)), createGzip(), out);
    }
    const fd = openSync(partial, "r+");
    fsyncSync(fd);
    closeSync(fd);
    renameSync(partial, final);
    return { path: final, manifest, bytes: statSync(final).size };
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(partial, { force: true });
  }
}

// ── restore ───────────────────────────────────────────────────────────────────

/** How much a restore unpacks at most unless told otherwise: 8 GB (STREAMHUB_RESTORE_MAX_MB). */
export const DEFAULT_RESTORE_MAX_BYTES = 8192 * 1024 * 1024;

/** Passes the bytes on, and fails once more than `limit` went through: a forged archive must not fill the disk. */
function capped(limit: number): Transform {
  let total = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      total += chunk.length;
      if (total > limit) done(new BackupError(`the archive unpacks to more than ${Math.floor(limit / (1024 * 1024))} MB: refused before it fills the disk (raise STREAMHUB_RESTORE_MAX_MB if the backup really is that large)`));
      else done(null, chunk);
    },
  });
}

/**
 * The manifest, once it names only what a backup holds — databases in
 * workerd's layout, the node's own files — each extracted from the archive as
 * a plain file inside `dest` and matching its SHA-256. Paths come from the
 * archive, so nothing of them is trusted until checked here.
 */
function checkManifest(parsed: unknown, dest: string, extracted: Set<string>): Manifest {
  const manifest = parsed as Manifest;
  if (typeof manifest !== "object" || manifest === null || manifest.format !== BACKUP_FORMAT || manifest.version !== 1) {
    throw new BackupError(`unknown backup format ${JSON.stringify(manifest?.format)} v${manifest?.version}`);
  }
  const forged = (what: string) => new BackupError(`the archive's manifest ${what}: refused (not an archive \`backup\` makes)`);
  if (!Array.isArray(manifest.databases) || (manifest.files !== undefined && !Array.isArray(manifest.files)) || typeof manifest.secrets !== "boolean") throw forged("is malformed");
  const listed = new Set<string>();
  for (const [entry, allowed, what] of [
    ...manifest.databases.map((db) => [db, DATABASE_PATH.test(String(db?.path)), "as a database, but databases are actors/<class>/<id>.sqlite"] as const),
    ...(manifest.files ?? []).map((file) => [file, (NODE_FILES as readonly unknown[]).includes(file?.path), `among the node's files, which are only ${NODE_FILES.join(" and ")}`] as const),
  ]) {
    const path = entry?.path;
    if (typeof path !== "string" || !allowed) throw forged(`lists ${JSON.stringify(path)} ${what}`);
    if (listed.has(path)) throw forged(`lists ${JSON.stringify(path)} twice`);
    listed.add(path);
    if (!extracted.has(path)) throw new BackupError(`the archive lacks ${path}, which its manifest lists`);
    const file = inside(dest, path);
    if (!lstatSync(file).isFile()) throw forged(`lists ${JSON.stringify(path)}, which is not a plain file`);
    if (typeof entry.sha256 !== "string" || sha256File(file) !== entry.sha256) throw new BackupError(`${path} in the archive does not match its manifest's SHA-256: the archive is damaged`);
  }
  if (manifest.secrets && !extracted.has("secrets.json")) throw new BackupError("the archive lacks secrets.json, which its manifest says it holds");
  return manifest;
}

/**
 * Unpacks an archive into `dest` (decrypting it first, at most `maxBytes` of
 * tar), checks every file against the manifest, returns it.
 */
export async function unpackBackup(archive: string, dest: string, passphrase?: string, maxBytes = DEFAULT_RESTORE_MAX_BYTES): Promise<Manifest> {
  mkdirSync(dest, { recursive: true, mode: 0o700 });
  // No entry may bear this name (`archivable`): the tar is never overwritten while it is read.
  const tarPath = join(dest, ".archive.tar");
  const head = Buffer.alloc(MAGIC.length);
  const fd = openSync(archive, "r");
  readSync(fd, head, 0, MAGIC.length, 0);
  const encrypted = head.equals(MAGIC);
  try {
    if (encrypted) {
      if (!passphrase) throw new BackupError("the archive is encrypted: set STREAMHUB_BACKUP_KEY (or --key-file) to the key it was made with");
      const size = statSync(archive).size;
      const salt = Buffer.alloc(SALT_BYTES);
      const iv = Buffer.alloc(IV_BYTES);
      const tag = Buffer.alloc(TAG_BYTES);
      readSync(fd, salt, 0, SALT_BYTES, MAGIC.length);
      readSync(fd, iv, 0, IV_BYTES, MAGIC.length + SALT_BYTES);
      readSync(fd, tag, 0, TAG_BYTES, size - TAG_BYTES);
      const decipher = createDecipheriv("aes-256-gcm", backupKey(passphrase, salt), iv);
      decipher.setAuthTag(tag);
      const body = createReadStream(archive, { start: MAGIC.length + SALT_BYTES + IV_BYTES, end: size - TAG_BYTES - 1 });
      try {
        await pipeline(body, decipher, createGunzip(), capped(maxBytes), createWriteStream(tarPath, { mode: 0o600 }));
      } catch (error) {
        if (error instanceof BackupError) throw error;
        throw new BackupError("the archive cannot be decrypted: wrong STREAMHUB_BACKUP_KEY, or the file is damaged");
      }
    } else {
      try {
        await pipeline(createReadStream(archive), createGunzip(), capped(maxBytes), createWriteStream(tarPath, { mode: 0o600 }));
      } catch (error) {
        if (error instanceof BackupError) throw error;
        throw new BackupError(`the archive is not a StreamHub backup (gzip failed: ${(error as Error).message})`);
      }
    }
  } finally {
    closeSync(fd);
  }
  let extracted: Set<string>;
  try {
    extracted = extractTar(tarPath, dest);
  } finally {
    rmSync(tarPath, { force: true });
  }
  // Only plain files and folders, as extractTar makes them: nothing links out of the unpacked tree.
  for (const entry of readdirSync(dest, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() && !entry.isDirectory()) throw new BackupError(`${join(entry.parentPath, entry.name)} is not a plain file: refused`);
  }
  if (!extracted.has("manifest.json")) throw new BackupError("the archive has no manifest.json: not a StreamHub backup");
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(join(dest, "manifest.json"), "utf8"));
  } catch {
    throw new BackupError("the archive's manifest.json is not JSON: not a StreamHub backup");
  }
  return checkManifest(parsed, dest, extracted);
}

/**
 * Where `path` (already checked against the layout) goes under DATA_DIR; a
 * BackupError when it would leave it, or when a folder on the way there is a
 * symbolic link (through which a rename or chmod would land elsewhere).
 */
function restoreTarget(dataDir: string, path: string): string {
  const target = inside(dataDir, path);
  const parts = path.split("/");
  for (let depth = 1; depth < parts.length; depth++) {
    const folder = join(dataDir, ...parts.slice(0, depth));
    let stat;
    try {
      stat = lstatSync(folder);
    } catch {
      break;
    }
    if (!stat.isDirectory()) throw new BackupError(`${folder} is ${stat.isSymbolicLink() ? "a symbolic link" : "not a folder"}: restore puts files only in real folders under DATA_DIR; move it away first`);
  }
  return target;
}

export interface RestoredBackup {
  manifest: Manifest;
  /** Where the databases that were in DATA_DIR went (only with `force`). */
  movedAside: string | null;
  secrets: "restored" | "kept" | "absent";
}

/**
 * Restores an archive into DATA_DIR, which must hold no databases (or, with
 * `force`, whose databases are moved aside, never deleted). The caller makes
 * sure no node runs on DATA_DIR. A `secrets.json` already there is kept only
 * when it is the archive's; a different one is refused (its key would not
 * open the restored secrets) unless `force`, which moves it aside too.
 * Everything is checked before DATA_DIR is changed: a refused archive leaves it
 * as it was, and nothing is ever put, removed or chmod'ed outside it.
 */
export async function restoreBackup(options: { archive: string; dataDir: string; passphrase?: string; force?: boolean; maxBytes?: number }): Promise<RestoredBackup> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const existing = listDatabases(dataDir);
  if (existing.length > 0 && !options.force) {
    throw new BackupError(`${dataDir} already holds ${existing.length} databases; restore goes into an empty DATA_DIR (or pass --force to move them aside)`);
  }
  const unpacked = join(dataDir, `.restore-${process.pid}-${Date.now()}`);
  try {
    const manifest = await unpackBackup(options.archive, unpacked, options.passphrase, options.maxBytes);
    const secretsFile = restoreTarget(dataDir, "secrets.json");
    const databases = manifest.databases.map((db) => ({ source: inside(unpacked, db.path), target: restoreTarget(dataDir, db.path) }));
    const files = (manifest.files ?? []).filter((file) => file.path !== "secrets.json").map(({ path }) => ({ path, source: inside(unpacked, path), target: restoreTarget(dataDir, path) }));
    let secrets: RestoredBackup["secrets"] = manifest.secrets ? "restored" : "absent";
    let movedAside: string | null = null;
    const aside = () => (movedAside ??= join(dataDir, `before-restore-${stamp(new Date())}`));
    if (manifest.secrets && existsSync(secretsFile)) {
      if (readFileSync(secretsFile).equals(readFileSync(join(unpacked, "secrets.json")))) secrets = "kept";
      else if (!options.force) throw new BackupError(`${secretsFile} differs from the archive's: its STREAMHUB_SECRET_KEY would not open the restored secrets (pass --force to move it aside)`);
    }
    if (existing.length > 0 || (secrets === "restored" && existsSync(secretsFile))) {
      mkdirSync(aside(), { recursive: true, mode: 0o700 });
      if (existsSync(join(dataDir, "actors"))) renameSync(join(dataDir, "actors"), join(aside(), "actors"));
      if (secrets === "restored" && existsSync(secretsFile)) renameSync(secretsFile, join(aside(), "secrets.json"));
    }
    for (const { source, target } of databases) {
      mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
      // A WAL left beside the target would be replayed into the restored database.
      for (const suffix of ["-wal", "-shm", "-journal"]) rmSync(`${target}${suffix}`, { force: true });
      renameSync(source, target);
      chmodSync(target, 0o600);
    }
    if (secrets === "restored") {
      renameSync(join(unpacked, "secrets.json"), secretsFile);
      chmodSync(secretsFile, 0o600);
    }
    // The other node files follow secrets.json (a key check from another key would refuse the restored one).
    for (const { path, source, target } of files) {
      if (existsSync(target)) {
        if (readFileSync(target).equals(readFileSync(source))) continue;
        mkdirSync(aside(), { recursive: true, mode: 0o700 });
        renameSync(target, join(aside(), path));
      }
      renameSync(source, target);
      chmodSync(target, 0o600);
    }
    return { manifest, movedAside, secrets };
  } finally {
    rmSync(unpacked, { recursive: true, force: true });
  }
}

// ── retention ─────────────────────────────────────────────────────────────────

/** Keeps the newest `keep` archives in `dir`; returns the names removed. */
export function pruneBackups(dir: string, keep: number): string[] {
  if (!existsSync(dir)) return [];
  const archives = readdirSync(dir).filter((name) => ARCHIVE_PATTERN.test(name)).sort();
  const removed = archives.slice(0, Math.max(0, archives.length - keep));
  for (const name of removed) unlinkSync(join(dir, name));
  return removed;
}

// ── S3 ────────────────────────────────────────────────────────────────────────

export interface BackupBucket {
  /** e.g. https://s3.eu-west-1.amazonaws.com or http://127.0.0.1:9000 (path-style requests). */
  endpoint: string;
  bucket: string;
  region: string;
  prefix: string;
  accessKeyId: string;
  secretAccessKey: string;
}

const bucketUrl = (target: BackupBucket, key = "") =>
  `${target.endpoint.replace(/\/+$/, "")}/${encodeURIComponent(target.bucket)}${key ? `/${key.split("/").map(encodeURIComponent).join("/")}` : ""}`;

const s3Client = (target: BackupBucket) => new AwsClient({ accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey, service: "s3", region: target.region });

const keyOf = (target: BackupBucket, name: string) => [target.prefix.replace(/^\/+|\/+$/g, ""), name].filter(Boolean).join("/");

/** Uploads an archive (one PUT: archives up to 5 GB); returns its key. */
export async function uploadBackup(target: BackupBucket, path: string): Promise<string> {
  const key = keyOf(target, path.split("/").pop()!);
  const response = await s3Client(target).fetch(bucketUrl(target, key), { method: "PUT", body: readFileSync(path), headers: { "Content-Type": "application/octet-stream" } });
  if (!response.ok) throw new BackupError(`the upload to s3://${target.bucket}/${key} failed: ${response.status} ${(await response.text()).slice(0, 300)}`);
  return key;
}

/** The archives under the prefix, oldest first. */
export async function listUploadedBackups(target: BackupBucket): Promise<string[]> {
  const prefix = keyOf(target, "");
  const keys: string[] = [];
  let token: string | null = null;
  do {
    const query = new URLSearchParams({ "list-type": "2", prefix: prefix ? `${prefix}/` : "" });
    if (token) query.set("continuation-token", token);
    const response = await s3Client(target).fetch(`${bucketUrl(target)}?${query}`);
    const text = await response.text();
    if (!response.ok) throw new BackupError(`listing s3://${target.bucket}/${prefix} failed: ${response.status} ${text.slice(0, 300)}`);
    for (const match of text.matchAll(/<Key>([^<]+)<\/Key>/g)) keys.push(match[1]!.replaceAll("&amp;", "&"));
    token = /<IsTruncated>true<\/IsTruncated>/.test(text) ? (/<NextContinuationToken>([^<]+)<\/NextContinuationToken>/.exec(text)?.[1] ?? null) : null;
  } while (token);
  return keys.filter((key) => ARCHIVE_PATTERN.test(key.split("/").pop()!)).sort();
}

/** Keeps the newest `keep` archives in the bucket; returns the keys removed. */
export async function pruneUploadedBackups(target: BackupBucket, keep: number): Promise<string[]> {
  const keys = await listUploadedBackups(target);
  const removed = keys.slice(0, Math.max(0, keys.length - keep));
  for (const key of removed) {
    const response = await s3Client(target).fetch(bucketUrl(target, key), { method: "DELETE" });
    if (!response.ok && response.status !== 404) throw new BackupError(`deleting s3://${target.bucket}/${key} failed: ${response.status}`);
  }
  return removed;
}

/** Downloads an archive to `dest`. */
export async function downloadBackup(target: BackupBucket, key: string, dest: string): Promise<void> {
  const response = await s3Client(target).fetch(bucketUrl(target, key));
  if (!response.ok) throw new BackupError(`downloading s3://${target.bucket}/${key} failed: ${response.status}`);
  writeFileSync(dest, Buffer.from(await response.arrayBuffer()), { mode: 0o600 });
}
