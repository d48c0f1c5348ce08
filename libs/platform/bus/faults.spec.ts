import { InternalError } from '@cleave/contracts/kernel/errors';
import { injectFailure, parseFaultDelays, parseFaultFailures } from './faults';

describe('fault injection knobs', () => {
  it('reads CLEAVE_FAULT_DELAY_MS', () => {
    expect([...parseFaultDelays('order.confirmed=60000, catalog.getProduct=50')]).toEqual([['order.confirmed', 60000], ['catalog.getProduct', 50]]);
    expect(() => parseFaultDelays('order.confirmed=soon')).toThrow(/CLEAVE_FAULT_DELAY_MS/);
  });

  it('fails every message of a bare pattern, or those whose data contains the text', () => {
    const failures = parseFaultFailures('order.confirmed=user-7,catalog.getProduct');
    expect(() => injectFailure(failures, 'order.confirmed', { userId: 'user-7' })).toThrow(InternalError);
    expect(() => injectFailure(failures, 'order.confirmed', { userId: 'user-8' })).not.toThrow();
    expect(() => injectFailure(failures, 'catalog.getProduct', { id: 'x' })).toThrow(/CLEAVE_FAULT_FAIL: catalog.getProduct fails/);
    expect(() => injectFailure(failures, 'order.cancelled', { userId: 'user-7' })).not.toThrow();
    expect(() => parseFaultFailures('=x')).toThrow(/CLEAVE_FAULT_FAIL/);
  });
});
