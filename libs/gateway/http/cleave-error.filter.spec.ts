import { ArgumentsHost } from '@nestjs/common';
import { lastValueFrom, Observable } from 'rxjs';
import {
  CleaveError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ServiceUnavailableError,
  UnauthorizedError,
  ValidationError,
} from '@cleave/contracts/kernel/errors';
import { CleaveErrorFilter } from './cleave-error.filter';

function httpHost() {
  const sent: { status?: number; body?: unknown } = {};
  const response = {
    status(code: number) {
      sent.status = code;
      return { json: (body: unknown) => (sent.body = body) };
    },
  };
  const host = { getType: () => 'http', switchToHttp: () => ({ getResponse: () => response }) } as unknown as ArgumentsHost;
  return { host, sent };
}

describe('CleaveErrorFilter', () => {
  const filter = new CleaveErrorFilter();

  it.each<[CleaveError, number, string]>([
    [new ValidationError('priceCents must be a non-negative integer'), 422, 'VALIDATION'],
    [new UnauthorizedError('Invalid email or password'), 401, 'UNAUTHORIZED'],
    [new ForbiddenError('Requires the admin role'), 403, 'FORBIDDEN'],
    [new NotFoundError('Product 7 not found'), 404, 'NOT_FOUND'],
    [new ServiceUnavailableError('catalog did not answer'), 503, 'UNAVAILABLE'],
  ])('answers %p with its status and code', (error, status, code) => {
    const { host, sent } = httpHost();
    filter.catch(error, host);
    expect(sent).toEqual({ status, body: { statusCode: status, error: code, message: error.message } });
  });

  it('passes details on', () => {
    const { host, sent } = httpHost();
    filter.catch(new ConflictError('Not enough stock for Widget: 1 left, 2 requested', { productId: 'p', available: 1, requested: 2 }), host);
    expect(sent).toEqual({
      status: 409,
      body: {
        statusCode: 409,
        error: 'CONFLICT',
        message: 'Not enough stock for Widget: 1 left, 2 requested',
        details: { productId: 'p', available: 1, requested: 2 },
      },
    });
  });

  it('answers an error rebuilt from the bus like the original', () => {
    const { host, sent } = httpHost();
    filter.catch(CleaveError.fromJSON(JSON.parse(JSON.stringify(new NotFoundError('Order 1 not found')))), host);
    expect(sent).toEqual({ status: 404, body: { statusCode: 404, error: 'NOT_FOUND', message: 'Order 1 not found' } });
  });

  it('hands the wire form back outside HTTP', async () => {
    const host = { getType: () => 'rpc' } as unknown as ArgumentsHost;
    const result = filter.catch(new NotFoundError('x'), host) as Observable<never>;
    await expect(lastValueFrom(result)).rejects.toEqual({ code: 'NOT_FOUND', status: 404, message: 'x' });
  });
});
