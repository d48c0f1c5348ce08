import { ArgumentsHost, Catch, HttpException, Logger, RpcExceptionFilter } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { Observable, throwError } from 'rxjs';
import { CleaveError, ErrorCode, ErrorData, InternalError } from '@cleave/contracts/kernel/errors';

/**
 * Turns whatever a bus handler throws into the wire form of a typed error. Without it Nest
 * reduces every non-RpcException to "Internal server error", and a 404 thrown by a service
 * reaches the gateway as a bare 500.
 */
@Catch()
export class BusExceptionFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('Bus');

  catch(exception: unknown, host: ArgumentsHost): Observable<never> {
    return throwError(() => toErrorData(exception, this.logger, host));
  }
}

const codeByStatus: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'VALIDATION',
  429: 'RATE_LIMITED',
  503: 'UNAVAILABLE',
};

export function toErrorData(exception: unknown, logger?: Logger, host?: ArgumentsHost): ErrorData {
  if (exception instanceof CleaveError) return exception.toJSON();
  if (exception instanceof HttpException) {
    // Pipes and guards on a handler speak HTTP; keep their status rather than hiding it.
    const status = exception.getStatus();
    const body = exception.getResponse();
    const message = typeof body === 'object' && body && 'message' in body ? (body as { message: unknown }).message : exception.message;
    return {
      code: codeByStatus[status] ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST'),
      status,
      message: Array.isArray(message) ? message.join('; ') : String(message),
    };
  }
  if (exception instanceof RpcException) return rpcErrorData(exception);
  const pattern = host ? (host.getArgByIndex(1) as { envelope?: { pattern?: string } } | undefined)?.envelope?.pattern : undefined;
  logger?.error(`Unexpected error${pattern ? ` handling ${pattern}` : ''}: ${(exception as Error)?.stack ?? String(exception)}`);
  // Callers see "Internal error"; what it really was stays in this process, for its records.
  return Object.assign(new InternalError().toJSON(), { [HIDDEN_CAUSE]: (exception as Error)?.message ?? String(exception) });
}

/** Nest's own refusal of a bus message: a guard that says no throws `RpcException('Forbidden resource')`. */
const NEST_FORBIDDEN = 'Forbidden resource';

/**
 * The status of a deliberate refusal by Nest's pipeline (a guard, a pipe, an interceptor),
 * never a crash: the one it names when that is an HTTP error status, 403 for Nest's guard
 * refusal, else `otherwise`. Shared by the filter path and plain Nest handlers (bus.server.ts).
 */
export function refusalStatus(named: unknown, message: string, otherwise: number | undefined = 400): number | undefined {
  const status = Number(named);
  if (Number.isInteger(status) && status >= 400 && status < 600) return status;
  return message === NEST_FORBIDDEN ? 403 : otherwise;
}

/** Wire data of a refusal with that status and message. */
export function refusalData(status: number, message: string): ErrorData {
  return { code: codeByStatus[status] ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST'), status, message };
}

/** An RpcException: its status when it names one (`{ status, message }`), 403 for Nest's guard refusal, else 400. */
function rpcErrorData(exception: RpcException): ErrorData {
  const error = exception.getError();
  const given = typeof error === 'object' && error !== null ? (error as { status?: unknown; statusCode?: unknown }) : {};
  return refusalData(refusalStatus(given.status ?? given.statusCode, exception.message)!, exception.message);
}

const HIDDEN_CAUSE = Symbol('cause');

/** How a handler failed, in words: a typed error's code and message, or what an unexpected one said. */
export function failureText(error: unknown): string {
  if (error instanceof Error && !(error instanceof CleaveError)) return `INTERNAL: ${error.message}`;
  const hidden = (error as { [HIDDEN_CAUSE]?: string } | null)?.[HIDDEN_CAUSE];
  const typed = CleaveError.fromJSON(error);
  return `${typed.code}: ${hidden ?? typed.message}`;
}
