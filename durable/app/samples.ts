import { utf8 } from "../../core/crypto/encoding.ts";
import type { AppHost } from "./host.ts";
import { DEFAULT_SAMPLE_NAMES, defaultSamplePages } from "./sample-pages.ts";
import { SamplesRepository, type SampleRow } from "./samples.repo.ts";

/** A sample page's name: a lower-case slug with the extension that fixes how it is served. */
export const SAMPLE_NAME = /^[a-z0-9][a-z0-9_-]{0,63}\.(html|js|css)$/;
/** Largest sample page, in UTF-8 bytes: room for a real page, not for media (which belongs in the app's bucket). */
export const SAMPLE_MAX_BYTES = 256 * 1024;
/** Pages an app may keep, the defaults included: bounds what a public route serves out of the app's database. */
export const SAMPLES_MAX = 50;

export interface SampleInfo {
  name: string;
  sizeBytes: number;
  /** One of StreamHub's default pages (regenerate restores it), edited or not. */
  generated: boolean;
  updatedAt: string;
}

export interface Sample extends SampleInfo {
  content: string;
}

export type SampleWrite = { ok: true } | { ok: false; code: "invalid_name" | "too_large" | "too_many" };

const utf8Bytes = (text: string) => utf8(text).byteLength;

/**
 * The app's sample pages. The defaults are written at their first use (the
 * app's database itself only comes to be at its first use), for the app's
 * name; editors may change them and add pages of their own. Regenerate puts
 * the defaults back as StreamHub renders them now and leaves added pages alone.
 */
export class Samples {
  readonly #host: AppHost;
  readonly #repo: SamplesRepository;

  constructor(host: AppHost) {
    this.#host = host;
    this.#repo = new SamplesRepository(host.db);
  }

  async list(): Promise<SampleInfo[]> {
    let rows = await this.#repo.list();
    if (DEFAULT_SAMPLE_NAMES.some((name) => !rows.some((row) => row.name === name))) {
      await this.#writeDefaults({ keep: true });
      rows = await this.#repo.list();
    }
    return rows.map((row) => info(row));
  }

  async get(name: string): Promise<Sample | null> {
    if (!SAMPLE_NAME.test(name)) return null;
    let row = await this.#repo.get(name);
    if (!row && DEFAULT_SAMPLE_NAMES.includes(name)) {
      await this.#writeDefaults({ keep: true });
      row = await this.#repo.get(name);
    }
    return row ? { ...info(row), content: row.content } : null;
  }

  async put(name: string, content: string): Promise<SampleWrite> {
    if (!SAMPLE_NAME.test(name)) return { ok: false, code: "invalid_name" };
    const size = utf8Bytes(content);
    if (size > SAMPLE_MAX_BYTES) return { ok: false, code: "too_large" };
    // The defaults first, so that they count, and so that a page written before them is not replaced.
    await this.list();
    if (!(await this.#repo.get(name)) && (await this.#repo.count()) >= SAMPLES_MAX) return { ok: false, code: "too_many" };
    await this.#repo.batch([this.#repo.put({ name, content, size_bytes: size, updated_at: new Date().toISOString() })]);
    return { ok: true };
  }

  /** Writes every default page again (edits to them are lost); pages the app added stay. Returns the names written. */
  async regenerate(): Promise<string[]> {
    return this.#writeDefaults({ keep: false });
  }

  async #writeDefaults(options: { keep: boolean }): Promise<string[]> {
    const { name: app } = await this.#host.identity();
    const now = new Date().toISOString();
    const pages = Object.entries(defaultSamplePages(app)).sort(([a], [b]) => (a < b ? -1 : 1));
    await this.#repo.batch(pages.map(([name, content]) => this.#repo.put({ name, content, size_bytes: utf8Bytes(content), updated_at: now }, options)));
    return pages.map(([name]) => name);
  }
}

const info = (row: Omit<SampleRow, "content">): SampleInfo => ({
  name: row.name,
  sizeBytes: row.size_bytes,
  generated: DEFAULT_SAMPLE_NAMES.includes(row.name),
  updatedAt: row.updated_at,
});
