import { CleaveError, ConflictError, NotFoundError, ServiceUnavailableError } from './errors';

describe('CleaveError over the wire', () => {
  it('rebuilds the same class, status and message from its JSON form', () => {
    const wire = JSON.parse(JSON.stringify(new NotFoundError('Product 7 not found', { id: '7' })));
    const error = CleaveError.fromJSON(wire);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, code: 'NOT_FOUND', message: 'Product 7 not found', details: { id: '7' } });
  });

  it('keeps retryable on unavailability', () => {
    const error = CleaveError.fromJSON(new ServiceUnavailableError('catalog down').toJSON());
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.retryable).toBe(true);
    expect(new ConflictError('x').retryable).toBe(false);
  });

  it('turns anything unrecognised into an internal error', () => {
    expect(CleaveError.fromJSON({ status: 'error', message: 'Internal server error' })).toMatchObject({ status: 500, code: 'INTERNAL' });
    expect(CleaveError.fromJSON(undefined).status).toBe(500);
  });
});
