// Swagger UI for /api/v1/docs, from our own assets rather than a CDN, so the
// docs work on a node without internet: the files the viewer needs are copied
// from the pinned `swagger-ui-dist` package into web/dist/sdk/api-docs/,
// served at /sdk/api-docs/… with the rest of the browser code, and loaded by
// the page at /api/v1/docs (functions/routes/v1/openapi/get.ts).
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { ASSETS_DIR } from "./build.ts";

export const DOCS_VIEWER_DIR = `${ASSETS_DIR}/sdk/api-docs`;
/** What the viewer page loads from swagger-ui-dist. */
export const DOCS_VIEWER_FILES = ["swagger-ui.css", "swagger-ui-bundle.js"] as const;

/**
 * Starts the viewer on the page's `data-openapi-url`. A file rather than an
 * inline script, so the page's CSP allows scripts from this origin only; no
 * validator badge (it would send the document to validator.swagger.io).
 */
const INIT = `const root = document.getElementById("swagger-ui");
window.ui = SwaggerUIBundle({ url: root.dataset.openapiUrl, dom_id: "#swagger-ui", deepLinking: true, validatorUrl: null, tryItOutEnabled: false });
`;

export function copyDocsViewer(): void {
  const dist = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  mkdirSync(DOCS_VIEWER_DIR, { recursive: true });
  for (const file of DOCS_VIEWER_FILES) copyFileSync(`${dist}/${file}`, `${DOCS_VIEWER_DIR}/${file}`);
  copyFileSync(`${dist}/LICENSE`, `${DOCS_VIEWER_DIR}/LICENSE.txt`);
  writeFileSync(`${DOCS_VIEWER_DIR}/init.js`, INIT);
}
