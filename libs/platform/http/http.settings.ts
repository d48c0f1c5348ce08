import { z } from 'zod';
import { defineSettings, setting } from '@cleave/platform/config';

/** A comma-separated list, blanks dropped. */
const list = z.string().optional().transform((raw) => (raw ?? '').split(',').map((item) => item.trim()).filter(Boolean));

const origins = list.pipe(
  z.array(z.string()).superRefine((values, ctx) => {
    for (const value of values) {
      if (value !== '*' && !/^https?:\/\/[^/\s]+$/.test(value)) ctx.addIssue({ code: 'custom', message: `must be origins like https://shop.example.com (scheme and host, no path), got "${value}"` });
    }
  }),
);

/**
 * What every process's HTTP server accepts and sends: bounds on a body before anything reads
 * it, the browsers allowed to call it, and the proxies whose X-Forwarded-For it believes.
 */
export class HttpSettings extends defineSettings('http', 'HTTP edge', {
  bodyLimitBytes: setting.int('CLEAVE_HTTP_BODY_LIMIT_BYTES', {
    default: 102_400,
    min: 1024,
    max: 10 * 1024 * 1024,
    doc: 'largest request body accepted; a larger one is refused with 413 before it is parsed',
  }),
  jsonMaxDepth: setting.int('CLEAVE_HTTP_JSON_MAX_DEPTH', {
    default: 32,
    min: 2,
    max: 1000,
    doc: 'deepest nesting of objects and arrays in a JSON body; deeper is refused with 400 before it is parsed',
  }),
  corsOrigins: setting.custom('CLEAVE_CORS_ORIGINS', origins, {
    live: true,
    defaultDoc: 'none: no browser page of another origin may call the API',
    doc: 'origins allowed to call the API from a browser (CORS), comma-separated, e.g. `https://shop.example.com`; `*` allows any',
  }),
  trustedProxies: setting.custom('CLEAVE_TRUSTED_PROXIES', list, {
    defaultDoc: 'none: the client is the peer address',
    doc: 'proxies (IPs, CIDRs or `loopback`, `linklocal`, `uniquelocal`) whose `X-Forwarded-For` names the client, for rate limits and logs; set it behind a load balancer',
  }),
}) {}
