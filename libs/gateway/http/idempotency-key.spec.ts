import { BadRequestError } from '@cleave/contracts/kernel/errors';
import { idempotencyKey } from './idempotency-key';

describe('Idempotency-Key header', () => {
  it('is optional and taken as it is', () => {
    expect(idempotencyKey(undefined)).toBeUndefined();
    expect(idempotencyKey('checkout 2026-01-01 #1')).toBe('checkout 2026-01-01 #1');
    expect(idempotencyKey('k'.repeat(100))).toHaveLength(100);
  });

  it.each([
    ['empty', ''],
    ['too long', 'k'.repeat(101)],
    ['with a control character', 'a\tb'],
    ['not ASCII', 'clé'],
    ['sent twice', ['a', 'b']],
  ])('is refused with 400 when %s', (_, header) => {
    expect(() => idempotencyKey(header)).toThrow(BadRequestError);
  });
});
