/**
 * Typed errors: every error a module means to report carries a stable code and an HTTP
 * status, crosses the bus as plain data and is rebuilt on the other side as the same class,
 * so the gateway answers 404/409/422/503 instead of a bare 500.
 */

export type ErrorCode =
  | 'BAD_REQUEST'
  | 'VALIDATION_FAILED'
  | 'VALIDATION'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYMENT_DECLINED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'HEADERS_TOO_LARGE'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE'
  | 'INTERNAL';

/** The wire form of an error. */
export interface ErrorData {
  code: ErrorCode;
  status: number;
  message: string;
  retryable?: boolean;
  details?: unknown;
}

export class CleaveError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    message: string,
    readonly details?: unknown,
    /** Whether trying again later may succeed (a timeout, an unreachable service). */
    readonly retryable = false,
  ) {
    super(message);
    this.name = new.target.name;
  }

  toJSON(): ErrorData {
    const data: ErrorData = { code: this.code, status: this.status, message: this.message };
    if (this.retryable) data.retryable = true;
    if (this.details !== undefined) data.details = this.details;
    return data;
  }

  /** Rebuilds a typed error from its wire form; anything unrecognised becomes INTERNAL. */
  static fromJSON(data: unknown): CleaveError {
    if (!isErrorData(data)) return new InternalError('Internal error');
    const Type = byCode[data.code];
    const error = Type ? new Type(data.message, data.details) : new CleaveError(data.code, data.status, data.message, data.details);
    return error.status === data.status && error.retryable === !!data.retryable
      ? error
      : new CleaveError(data.code, data.status, data.message, data.details, !!data.retryable);
  }
}

export class BadRequestError extends CleaveError {
  constructor(message: string, details?: unknown) {
    super('BAD_REQUEST', 400, message, details);
  }
}

/** Input that breaks its declared shape: `details` holds one message per field (`{"quantity": "must be an integer"}`). */
export class InputValidationError extends CleaveError {
  constructor(message: string, details?: unknown) {
    super('VALIDATION_FAILED', 400, message, details);
  }
}

/** Input that is well formed but breaks a business rule. */
export class ValidationError extends CleaveError {
  constructor(message: string, details?: unknown) {
    super('VALIDATION', 422, message, details);
  }
}

export class UnauthorizedError extends CleaveError {
  constructor(message = 'Authentication required', details?: unknown) {
    super('UNAUTHORIZED', 401, message, details);
  }
}

export class ForbiddenError extends CleaveError {
  constructor(message = 'Not allowed', details?: unknown) {
    super('FORBIDDEN', 403, message, details);
  }
}

export class NotFoundError extends CleaveError {
  constructor(message: string, details?: unknown) {
    super('NOT_FOUND', 404, message, details);
  }
}

export class ConflictError extends CleaveError {
  constructor(message: string, details?: unknown) {
    super('CONFLICT', 409, message, details);
  }
}

/** The payment provider refused the charge (card declined, insufficient funds...). */
export class PaymentDeclinedError extends CleaveError {
  constructor(message: string, details?: unknown) {
    super('PAYMENT_DECLINED', 402, message, details);
  }
}

export class PayloadTooLargeError extends CleaveError {
  constructor(message: string, details?: unknown) {
    super('PAYLOAD_TOO_LARGE', 413, message, details);
  }
}

export class UnsupportedMediaTypeError extends CleaveError {
  constructor(message: string, details?: unknown) {
    super('UNSUPPORTED_MEDIA_TYPE', 415, message, details);
  }
}

/** The request line and headers are over the server's limit (Node's 16 KiB by default). */
export class HeadersTooLargeError extends CleaveError {
  constructor(message: string, details?: unknown) {
    super('HEADERS_TOO_LARGE', 431, message, details);
  }
}

/** Too many requests: `details.retryAfterSeconds` says when to try again (the answer's Retry-After too). */
export class RateLimitedError extends CleaveError {
  constructor(message = 'Too many requests', details?: unknown) {
    super('RATE_LIMITED', 429, message, details, true);
  }
}

/** A dependency did not answer in time or is not running: fail fast, maybe retry later. */
export class ServiceUnavailableError extends CleaveError {
  constructor(message: string, details?: unknown) {
    super('UNAVAILABLE', 503, message, details, true);
  }
}

export class InternalError extends CleaveError {
  constructor(message = 'Internal error', details?: unknown) {
    super('INTERNAL', 500, message, details);
  }
}

const byCode: Partial<Record<ErrorCode, new (message: string, details?: unknown) => CleaveError>> = {
  BAD_REQUEST: BadRequestError,
  VALIDATION_FAILED: InputValidationError,
  PAYLOAD_TOO_LARGE: PayloadTooLargeError,
  UNSUPPORTED_MEDIA_TYPE: UnsupportedMediaTypeError,
  HEADERS_TOO_LARGE: HeadersTooLargeError,
  RATE_LIMITED: RateLimitedError,
  VALIDATION: ValidationError,
  UNAUTHORIZED: UnauthorizedError,
  FORBIDDEN: ForbiddenError,
  NOT_FOUND: NotFoundError,
  CONFLICT: ConflictError,
  PAYMENT_DECLINED: PaymentDeclinedError,
  UNAVAILABLE: ServiceUnavailableError,
  INTERNAL: InternalError,
};

function isErrorData(value: unknown): value is ErrorData {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && typeof v.status === 'number' && typeof v.message === 'string';
}
