import { z } from "@hono/zod-openapi";
import type { Context } from "hono";

// Lists and series that a spreadsheet may want come as CSV as well as JSON.
// One rule decides, everywhere: `?format=csv` or `?format=json` when given;
// otherwise CSV when the Accept header names `text/csv`, JSON in every other
// case. Errors are always the JSON envelope.

/** The `format` query parameter of routes that can answer CSV. */
export const formatQuery = z
  .enum(["json", "csv"])
  .optional()
  .openapi({ param: { name: "format", in: "query" }, description: "`csv` or `json`; without it, CSV when `Accept` names `text/csv`, otherwise JSON" });

export const wantsCsv = (c: Context, format: "json" | "csv" | undefined): boolean =>
  format !== undefined ? format === "csv" : /(^|,)\s*text\/csv\s*(;|,|$)/i.test(c.req.header("Accept") ?? "");

export const CSV_TYPE = "text/csv; charset=utf-8";

/** The 200 content of a route that answers JSON or CSV, for the OpenAPI document. */
export const jsonOrCsv = <T extends z.ZodType>(json: T, example: string) => ({
  "application/json": { schema: json },
  "text/csv": { schema: z.string().openapi({ example }) },
});

export type CsvValue = string | number | boolean | null;

/**
 * RFC 4180 text: a header line, then one line per row, CRLF line ends; a
 * field with a comma, quote or line break is quoted. A text field starting
 * with `=`, `+`, `-`, `@`, tab or CR is prefixed with `'`, so a spreadsheet
 * shows it rather than running it as a formula (values such as stream ids
 * come from participants' own identities).
 */
export function toCsv<Row>(columns: readonly { name: string; value: (row: Row) => CsvValue }[], rows: readonly Row[]): string {
  const lines = [columns.map((column) => field(column.name)).join(",")];
  for (const row of rows) lines.push(columns.map((column) => field(column.value(row))).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

function field(value: CsvValue): string {
  if (value === null) return "";
  if (typeof value !== "string") return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A CSV answer, offered as a download named `filename`. */
export const csvResponse = (c: Context, body: string, filename: string, headers: Record<string, string> = {}) =>
  c.body(body, 200, { "Content-Type": CSV_TYPE, "Content-Disposition": `attachment; filename="${filename.replace(/[^\w.-]/g, "_")}"`, ...headers });
