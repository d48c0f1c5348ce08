import { IncomingMessage } from 'node:http';
import { BadRequestError, UnsupportedMediaTypeError } from '@cleave/contracts/kernel/errors';

const OPEN_OBJECT = 0x7b; // {
const OPEN_ARRAY = 0x5b; // [
const CLOSE_OBJECT = 0x7d; // }
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Refuses a JSON text nested deeper than `maxDepth`, reading the raw bytes once before
 * JSON.parse ever sees them: a body nested thousands of levels deep would otherwise overflow
 * the stack of whatever walks it next (class-transformer, class-validator). Hand-written
 * because body-parser has no depth option and a reviver runs only after the whole parse.
 */
export function checkJsonDepth(raw: Buffer, maxDepth: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      if (++depth > maxDepth) throw new BadRequestError(`The body is nested deeper than ${maxDepth} levels`, { maxDepth });
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      depth--;
    }
  }
}

/** A UTF-16 surrogate without its pair: `"\ud83d"` parses as JSON but is no text, and breaks whatever encodes it later. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The path of the first string (or key) in a parsed body that is not well-formed Unicode, if any. Its depth is already bounded. */
export function findLoneSurrogate(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? path || '(body)' : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, child] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (LONE_SURROGATE.test(key)) return path || '(body)';
    const found = findLoneSurrogate(child, at);
    if (found) return found;
  }
  return undefined;
}

export function checkUnicode(body: unknown): void {
  const at = findLoneSurrogate(body);
  if (at) throw new BadRequestError(`The body holds text that is not valid Unicode (a lone UTF-16 surrogate) at ${at.slice(0, 100)}`, { [at.slice(0, 100)]: 'must be valid Unicode text' });
}

/** Whether a request carries a body (a length above 0, or chunked), as body-parser decides it. */
export function hasBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** The API speaks JSON only: a body of any other type (a form, text, none named) is refused before it is read. */
export function checkContentType(request: IncomingMessage): void {
  if (!hasBody(request)) return;
  const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'))) return;
  throw new UnsupportedMediaTypeError(`A body must be sent as application/json${type ? `, not ${type.slice(0, 100)}` : ' (no Content-Type was given)'}`);
}
