import { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable, Logger, NestMiddleware } from '@nestjs/common';
import { context, Context, defaultTextMapGetter, Link, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { logLevelEnabled } from '@cleave/platform/logging';
import { MODULE_KEY } from '@cleave/platform/context';
import { cleaveTracer, formatTraceparent } from './trace-context';

/** Operational endpoints (and the dashboard watching them) are polled all the time and are not worth a trace each. */
const UNTRACED = /^\/(health|metrics|traces|dashboard)(\/|\?|$)/;
const propagator = new W3CTraceContextPropagator();

type Request = IncomingMessage & { originalUrl?: string; baseUrl?: string; route?: { path?: unknown }; app?: { get(name: string): unknown } };

/**
 * Whether the peer is one of CLEAVE_TRUSTED_PROXIES. Express compiles that setting (`trust
 * proxy`, set by configureHttp) into this function; asking it keeps one definition of who is
 * trusted for X-Forwarded-For and for trace context alike.
 */
function fromTrustedProxy(req: Request): boolean {
  const trust = req.app?.get('trust proxy fn');
  const peer = req.socket?.remoteAddress;
  return typeof trust === 'function' && typeof peer === 'string' && (trust as (address: string, hop: number) => boolean)(peer, 0) === true;
}

/**
 * Where a request's span starts. A `traceparent` from a trusted proxy is continued; one from
 * anyone else only becomes a link of a new root: otherwise any caller could choose the trace
 * id its request is recorded under (writing into someone else's trace) or force sampling
 * with the flag. The sampler then decides for the new root as for any request.
 */
function startingPoint(req: Request): { parent: Context; links?: Link[] } {
  if (!req.headers.traceparent) return { parent: ROOT_CONTEXT };
  const incoming = propagator.extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter);
  const caller = trace.getSpanContext(incoming);
  if (!caller) return { parent: ROOT_CONTEXT };
  if (fromTrustedProxy(req)) return { parent: incoming };
  return { parent: ROOT_CONTEXT, links: [{ context: caller, attributes: { 'cleave.link': 'untrusted caller traceparent' } }] };
}

/**
 * A SERVER span per HTTP request, named by method and route (`POST /orders`), continuing the
 * `traceparent` of a trusted proxy, else starting a trace (linked to the caller's, if sent). The response carries the trace as `traceparent`
 * and `x-trace-id` headers. Mounted as Nest middleware, after the body parser, so the span is
 * the active context all the way through guards, pipes, the handler and its bus calls.
 * With LOG_LEVEL=debug, a line per request (method, route, status, duration, trace id).
 */
@Injectable()
export class HttpTracingMiddleware implements NestMiddleware {
  private readonly logger = new Logger('Http');

  use(req: Request, res: ServerResponse, next: () => void): void {
    const url = req.originalUrl ?? req.url ?? '/';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    if (UNTRACED.test(path)) return next();

    const method = req.method ?? 'GET';
    const started = performance.now();
    const { parent, links } = startingPoint(req);
    const span = cleaveTracer().startSpan(method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.path': path }, links }, parent);
    const spanContext = span.spanContext();
    const traceparent = formatTraceparent(spanContext);
    if (traceparent) {
      res.setHeader('traceparent', traceparent);
      res.setHeader('x-trace-id', spanContext.traceId);
    }

    const end = () => {
      res.off('finish', end);
      res.off('close', end);
      const route = routeOf(req);
      if (route) {
        span.updateName(`${method} ${route}`);
        span.setAttribute('http.route', route);
      }
      span.setAttribute('http.response.status_code', res.statusCode);
      if (!res.writableFinished) span.setAttribute('http.aborted', true);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      if (logLevelEnabled('debug')) {
        const line = `${method} ${route ?? path} ${res.statusCode} ${(performance.now() - started).toFixed(1)} ms`;
        context.with(active, () => this.logger.debug(line));
      }
    };
    res.once('finish', end);
    res.once('close', end);
    const active = trace.setSpan(parent, span).setValue(MODULE_KEY, 'gateway');
    context.with(active, next);
  }
}

/** The matched route's template (`/orders/:id`), never the raw path: span names stay few. */
function routeOf(req: Request): string | undefined {
  const path = req.route?.path;
  if (typeof path !== 'string') return undefined;
  return `${req.baseUrl ?? ''}${path}` || '/';
}
