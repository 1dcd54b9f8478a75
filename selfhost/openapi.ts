// `npm run openapi [-- <file>]`: writes the API's OpenAPI 3.1 document — the
// one this checkout's StreamHub serves at /api/v1/openapi.json, generated from
// the route schemas — to docs/openapi.json (or <file>), for API clients and
// gateways that want it as a file. It starts this checkout's StreamHub in a
// throwaway data folder to ask it, as `npm run web:types` does.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { ROOT } from "./build.ts";
import { openApiDocumentOfThisCheckout } from "./build-web.ts";

const out = resolve(process.argv[2] ?? `${ROOT}docs/openapi.json`);
const document = (await openApiDocumentOfThisCheckout()) as { openapi?: string; paths?: object };
writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`);
process.stdout.write(`wrote ${out} (OpenAPI ${document.openapi}, ${Object.keys(document.paths ?? {}).length} paths)\n`);
