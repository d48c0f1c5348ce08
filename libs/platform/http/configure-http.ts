import { IncomingMessage, ServerResponse } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { json } from 'body-parser';
import helmet from 'helmet';
import { HttpErrorFilter, toCleaveError } from './http-error.filter';
import { HttpSettings } from './http.settings';
import { checkContentType, checkJsonDepth, checkUnicode } from './body-bounds';
import { answerClientErrors } from './client-errors';

type Next = (error?: unknown) => void;

/** The slice of Express's app this needs (settings), kept apart from the adapter's types. */
interface ExpressSettings {
  set(name: string, value: unknown): unknown;
  disable(name: string): unknown;
}

/**
 * Every process's HTTP server, before any route: security headers (helmet, no
 * `X-Powered-By`), the proxies trusted for the client's address, CORS from the allow-list,
 * and a JSON body bounded in type, size, depth and Unicode before anything reads it. Errors of
 * any of these answer the one error shape (HttpErrorFilter), and so do requests Node's parser
 * refuses before any of it runs (answerClientErrors). The process must be created with
 * `bodyParser: false`: these parsers replace Nest's.
 */
export function configureHttp(app: INestApplication, settings: HttpSettings): void {
  const express = app.getHttpAdapter().getInstance() as ExpressSettings;
  express.disable('x-powered-by');
  express.set('trust proxy', settings.trustedProxies.length ? settings.trustedProxies : false);
  app.useGlobalFilters(new HttpErrorFilter());
  answerClientErrors(app.getHttpServer());
  app.use(helmet());
  app.enableCors({
    // Read at each request: CLEAVE_CORS_ORIGINS is reloaded live.
    origin: (origin: string | undefined, done: (error: Error | null, allow: boolean) => void) =>
      done(null, origin !== undefined && (settings.corsOrigins.includes('*') || settings.corsOrigins.includes(origin))),
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'Last-Event-ID', 'traceparent'],
    exposedHeaders: ['x-trace-id', 'traceparent', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'],
    maxAge: 600,
  });
  // A preflight from an origin not allowed: answered without CORS headers (the browser then
  // refuses the call), rather than the 404 of a route that has no OPTIONS.
  app.use((request: IncomingMessage, response: ServerResponse, next: Next) => {
    if (request.method !== 'OPTIONS' || !request.headers['access-control-request-method']) return next();
    response.statusCode = 204;
    response.setHeader('Content-Length', '0');
    response.end();
  });
  app.use((request: IncomingMessage, _response: ServerResponse, next: Next) => {
    try {
      checkContentType(request);
      next();
    } catch (error) {
      next(error);
    }
  });
  app.use(
    json({
      limit: settings.bodyLimitBytes,
      type: ['application/json', 'application/*+json'],
      verify: (_request, _response, raw) => checkJsonDepth(raw, settings.jsonMaxDepth),
    }),
  );
  // As typed errors at once: Nest would turn the parser's SyntaxError into a 400 quoting it, and
  // its message quotes the body.
  app.use((error: unknown, _request: IncomingMessage, _response: ServerResponse, next: Next) => next(toCleaveError(error)));
  app.use((request: IncomingMessage & { body?: unknown }, _response: ServerResponse, next: Next) => {
    try {
      checkUnicode(request.body);
      next();
    } catch (error) {
      next(error);
    }
  });
}
