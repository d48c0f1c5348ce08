import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';
import { CleaveError, ErrorCode, ErrorData } from '@cleave/contracts/kernel/errors';

export interface ErrorBody {
  statusCode: number;
  error: ErrorCode;
  message: string;
  details?: unknown;
}

/** The slice of an HTTP response the filter writes; keeps it independent of the HTTP adapter. */
interface HttpResponse {
  status(code: number): { json(body: unknown): unknown };
}

/**
 * Answers a typed error with its own status (404, 409, 422, 503...) and a stable code, wherever
 * it was thrown: in the gateway or in a module behind the bus.
 */
@Catch(CleaveError)
export class CleaveErrorFilter implements ExceptionFilter<CleaveError> {
  private readonly logger = new Logger('Gateway');

  catch(error: CleaveError, host: ArgumentsHost): void | Observable<ErrorData> {
    // Global filters may also see bus handlers; there the error travels on as wire data.
    if (host.getType() !== 'http') return throwError(() => error.toJSON());
    if (error.status >= 500) this.logger.error(`${error.code}: ${error.message}`);
    host.switchToHttp().getResponse<HttpResponse>().status(error.status).json(toBody(error));
  }
}

export function toBody(error: CleaveError): ErrorBody {
  const body: ErrorBody = { statusCode: error.status, error: error.code, message: error.message };
  if (error.details !== undefined) body.details = error.details;
  return body;
}
