// What the Worker bundle gets for zod's `locales` (wrangler.toml [alias]):
// English only. zod re-exports its 40-odd translations from every `z`, so
// the bundler cannot drop them; they were a quarter of the bundle, parsed at
// every start. StreamHub answers in English and never calls z.config() with
// another locale (zod sets English itself, from locales/en.js directly).
export { default as en } from "zod/v4/locales/en.js";
