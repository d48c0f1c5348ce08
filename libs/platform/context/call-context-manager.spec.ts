import { context, createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import { currentCall, runInCall } from './call-context';
import { CallContextManager } from './call-context-manager';

const KEY = createContextKey('test');

describe('CallContextManager (OpenTelemetry context over the bus call context)', () => {
  beforeAll(() => context.setGlobalContextManager(new CallContextManager()));
  afterAll(() => context.disable());

  it('keeps the call context across context.with, and the OpenTelemetry context across runInCall', async () => {
    expect(context.active()).toBe(ROOT_CONTEXT);
    const outer = ROOT_CONTEXT.setValue(KEY, 'outer');
    await context.with(outer, async () => {
      await runInCall({ messageId: 'm-1', module: 'orders' }, async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        expect(context.active().getValue(KEY)).toBe('outer');
        await context.with(ROOT_CONTEXT.setValue(KEY, 'inner'), async () => {
          await Promise.resolve();
          expect(context.active().getValue(KEY)).toBe('inner');
          expect(currentCall()?.module).toBe('orders');
        });
      });
      // A call's explicit context replaces the active one inside it only.
      runInCall({ messageId: 'm-2' }, () => expect(context.active().getValue(KEY)).toBe('explicit'), ROOT_CONTEXT.setValue(KEY, 'explicit'));
      expect(currentCall()).toBeUndefined();
      expect(context.active().getValue(KEY)).toBe('outer');
    });
  });

  it('binds functions to a context', () => {
    const bound = context.bind(ROOT_CONTEXT.setValue(KEY, 'bound'), function (this: { n: number }, a: number) {
      return [context.active().getValue(KEY), this.n + a];
    });
    expect(bound.call({ n: 1 }, 2)).toEqual(['bound', 3]);
  });
});
