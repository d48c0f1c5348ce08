import { InternalError } from '@cleave/contracts/kernel/errors';

/**
 * Fault injection for tests and chaos drills, off unless set:
 * - `CLEAVE_FAULT_DELAY_MS="order.confirmed=60000,catalog.getProduct=50"` delays the handling
 *   of those patterns on this instance. It is how a test makes an instance hold an event long
 *   enough to be killed with it, or a dependency slow enough to time out.
 * - `CLEAVE_FAULT_FAIL="order.confirmed=<text>,catalog.getProduct"` makes the handling of
 *   those patterns fail on this instance: every message of a bare pattern, or only those whose
 *   data (as JSON) contains `<text>`. It is how a test makes a poison event, and "fixes" its
 *   handler by restarting the instance without it.
 */
export function parseFaultDelays(spec: string | undefined): ReadonlyMap<string, number> {
  const delays = new Map<string, number>();
  for (const part of parts(spec)) {
    const [pattern, ms] = part.split('=');
    const value = Number(ms);
    if (!pattern || !Number.isFinite(value) || value < 0) {
      throw new Error(`CLEAVE_FAULT_DELAY_MS: expected "pattern=milliseconds[,...]", got "${part}"`);
    }
    delays.set(pattern, value);
  }
  return delays;
}

/** Pattern to the text its message's data must contain to fail ('' fails every message). */
export type FaultFailures = ReadonlyMap<string, string>;

export function parseFaultFailures(spec: string | undefined): FaultFailures {
  const failures = new Map<string, string>();
  for (const part of parts(spec)) {
    const at = part.indexOf('=');
    const pattern = at < 0 ? part : part.slice(0, at);
    if (!pattern) throw new Error(`CLEAVE_FAULT_FAIL: expected "pattern[=text][,...]", got "${part}"`);
    failures.set(pattern, at < 0 ? '' : part.slice(at + 1));
  }
  return failures;
}

/** Throws the injected failure when `data` of `pattern` matches one. */
export function injectFailure(failures: FaultFailures, pattern: string, data: unknown): void {
  const text = failures.get(pattern);
  if (text === undefined) return;
  if (text && !(JSON.stringify(data) ?? '').includes(text)) return;
  throw new InternalError(`Fault injected by CLEAVE_FAULT_FAIL: ${pattern}${text ? ` with "${text}"` : ''} fails on this instance`);
}

function parts(spec: string | undefined): string[] {
  return (spec ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}
