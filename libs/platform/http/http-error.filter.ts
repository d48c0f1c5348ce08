import { randomBytes } from 'node:crypto';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { Observable, throwError } from 'rxjs';
import {
  BadRequestError,
  CleaveError,
  ErrorCode,
  ForbiddenError,
  InternalError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  ServiceUnavailableError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
} from '@cleave/contracts/kernel/errors';

/** Every error answer of every Cleave process, whatever failed. */
export interface ErrorBody {
  statusCode: number;
  /** Stable: clients branch on it (`VALIDATION_FAILED`, `NOT_FOUND`, `RATE_LIMITED`...). */
  error: ErrorCode;
  message: string;
  /** For `VALIDATION_FAILED`, one message per field: `{"quantity": "must be an integer"}`. */
  details?: unknown;
  /** The trace of the request (also the `x-trace-id` header): what to quote to an operator. */
  traceId: string;
}

interface HttpRequest {
  method?: string;
  originalUrl?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
}

interface HttpResponse {
  headersSent: boolean;
  getHeader(name: string): unknown;
  setHeader(name: string, value: string): unknown;
  status(code: number): { json(body: unknown): unknown };
  end(): unknown;
}

const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;

/**
 * The one error shape, for every process's HTTP endpoints: typed errors from a module (over the
 * bus or not), the framework's own (unknown route, a guard, a pipe), the body parser's, and
 * anything unexpected (a 500 that says no more than "Internal error"). Client errors are
 * logged at debug, without a stack: they are the caller's, and an attacker could flood the log.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(exception: unknown, host: ArgumentsHost): void | Observable<never> {
    // A global filter also sees bus handlers that have none of their own: the error travels on as data.
    if (host.getType() !== 'http') return throwError(() => (exception instanceof CleaveError ? exception.toJSON() : exception));
    const http = host.switchToHttp();
    const request = http.getRequest<HttpRequest>();
    const response = http.getResponse<HttpResponse>();
    const health = healthReport(exception);
    const error = health ? undefined : toCleaveError(exception);
    const route = `${request.method ?? '?'} ${(request.originalUrl ?? request.url ?? '').split('?')[0].slice(0, 200)}`;
    if (error && error.status >= 500) {
      const cause = error instanceof CleaveError && !(exception instanceof CleaveError) ? ((exception as Error)?.stack ?? String(exception)) : `${error.code}: ${error.message}`;
      this.logger.error(`${route}: ${cause}`);
    } else if (error) {
      this.logger.debug(`${route}: ${error.status} ${error.code}: ${error.message}`);
    }
    if (response.headersSent) {
      // A stream already under way (Server-Sent Events): nothing can be said any more.
      response.end();
      return;
    }
    if (health) {
      response.status(health.status).json(health.report);
      return;
    }
    const traceId = traceIdOf(request, response);
    const retryAfter = (error!.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if (error!.status === 429 && typeof retryAfter === 'number' && !response.getHeader('Retry-After')) response.setHeader('Retry-After', String(retryAfter));
    response.status(error!.status).json(toErrorBody(error!, traceId));
  }
}

export function toErrorBody(error: CleaveError, traceId: string): ErrorBody {
  const body: ErrorBody = { statusCode: error.status, error: error.code, message: error.message, traceId };
  if (error.details !== undefined) body.details = error.details;
  return body;
}

/** Anything thrown while serving a request, as the typed error the caller is told. */
export function toCleaveError(exception: unknown): CleaveError {
  if (exception instanceof CleaveError) return exception;
  const parser = bodyParserError(exception);
  if (parser) return parser;
  if (exception instanceof HttpException) return fromHttpException(exception);
  const status = (exception as { status?: unknown } | null)?.status;
  // Express's own refusals (a malformed percent-encoding in the path...) carry a 4xx status.
  if (typeof status === 'number' && status >= 400 && status < 500) return new BadRequestError('The request is malformed');
  return new InternalError();
}

/** body-parser marks its errors with a `type`: https://github.com/expressjs/body-parser#errors */
function bodyParserError(exception: unknown): CleaveError | undefined {
  const error = exception as { type?: unknown; limit?: unknown; message?: unknown } | null;
  if (!error || typeof error.type !== 'string') return undefined;
  switch (error.type) {
    case 'entity.too.large':
      return new PayloadTooLargeError(`The body is larger than the limit of ${String(error.limit)} bytes`, { limitBytes: error.limit });
    case 'entity.parse.failed':
      return new BadRequestError('The body is not valid JSON');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new UnsupportedMediaTypeError('The body must be JSON in UTF-8, without content encoding');
    case 'entity.verify.failed':
      // Our own checks of the raw body (depth), thrown as typed errors from body-parser's verify.
      return (exception as { cause?: unknown }).cause instanceof CleaveError ? ((exception as { cause: CleaveError }).cause) : new BadRequestError('The body is refused');
    case 'request.aborted':
    case 'request.size.invalid':
      return new BadRequestError('The body was cut short, or its length is wrong');
    default:
      return undefined;
  }
}

const byStatus: Record<number, (message: string) => CleaveError> = {
  400: (m) => new BadRequestError(m),
  401: (m) => new UnauthorizedError(m),
  403: (m) => new ForbiddenError(m),
  404: (m) => new NotFoundError(m),
  413: (m) => new PayloadTooLargeError(m),
  415: (m) => new UnsupportedMediaTypeError(m),
  429: () => new RateLimitedError('Too many requests: slow down and try again later'),
  503: (m) => new ServiceUnavailableError(m),
};

function fromHttpException(exception: HttpException): CleaveError {
  const status = exception.getStatus();
  const response = exception.getResponse();
  const raw = typeof response === 'object' && response !== null && 'message' in response ? (response as { message: unknown }).message : exception.message;
  const message = (Array.isArray(raw) ? raw.join('; ') : String(raw)).slice(0, 300);
  const make = byStatus[status];
  if (make) return make(status === 404 && /^Cannot [A-Z]+ /.test(message) ? `No route ${message.slice('Cannot '.length)}` : message);
  if (status >= 500) return new InternalError();
  return new CleaveError('BAD_REQUEST', status, message);
}

/**
 * A health answer is a report (Terminus's format, which probes and dashboards read), whatever
 * its status: a 503 from `/health/ready` or `/health` keeps its body.
 */
function healthReport(exception: unknown): { status: number; report: object } | undefined {
  if (!(exception instanceof HttpException) || exception.getStatus() !== 503) return undefined;
  const report = exception.getResponse();
  if (typeof report !== 'object' || report === null || !('status' in report) || !('details' in report || 'services' in report)) return undefined;
  return { status: 503, report };
}

/** The request's trace: its span's, else the incoming traceparent's, else a fresh id (set as `x-trace-id`). */
function traceIdOf(request: HttpRequest, response: HttpResponse): string {
  const active = trace.getActiveSpan()?.spanContext().traceId;
  if (active && !/^0+$/.test(active)) return active;
  const header = response.getHeader('x-trace-id');
  if (typeof header === 'string') return header;
  const parent = request.headers.traceparent;
  const traceId = (typeof parent === 'string' && TRACEPARENT.exec(parent.trim())?.[1]) || randomBytes(16).toString('hex');
  response.setHeader('x-trace-id', traceId);
  return traceId;
}
