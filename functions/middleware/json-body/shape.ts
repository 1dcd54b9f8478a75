/**
 * How deep a request body may nest and how many elements it may hold. No
 * request of this API comes near either (the deepest, a LiveKit webhook, nests
 * about 6 levels); the limits exist so that a body built to be expensive —
 * 1 MB of `[` costs JSON.parse hundreds of milliseconds of CPU — is refused
 * for the price of reading it, by anyone, before authentication.
 */
export const MAX_JSON_DEPTH = 32;
export const MAX_JSON_ELEMENTS = 10_000;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/**
 * One pass over the raw bytes (UTF-8 never uses these ASCII bytes inside a
 * multi-byte character), stopping at the first byte past a limit. Counts are
 * of brackets and commas outside strings: an opening bracket is one element,
 * each comma one more. It does not validate: JSON.parse still does, on a body
 * that is now known to be cheap to parse. Returns what is wrong, or undefined.
 */
export function jsonShapeProblem(bytes: Uint8Array): string | undefined {
  let depth = 0;
  let elements = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
      continue;
    }
    if (byte === QUOTE) inString = true;
    else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (++depth > MAX_JSON_DEPTH) return `request body nests deeper than ${MAX_JSON_DEPTH} levels`;
      if (++elements > MAX_JSON_ELEMENTS) return `request body holds more than ${MAX_JSON_ELEMENTS} elements`;
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) depth--;
    else if (byte === COMMA && ++elements > MAX_JSON_ELEMENTS) return `request body holds more than ${MAX_JSON_ELEMENTS} elements`;
  }
  return undefined;
}
