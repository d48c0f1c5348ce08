/**
 * Fault injection for tests and chaos drills, off unless CLEAVE_FAULT_DELAY_MS is set:
 * `CLEAVE_FAULT_DELAY_MS="order.confirmed=60000,catalog.getProduct=50"` delays the handling of
 * those patterns on this instance. It is how a test makes an instance hold an event long
 * enough to be killed with it, or a dependency slow enough to time out.
 */
export function parseFaultDelays(spec: string | undefined): ReadonlyMap<string, number> {
  const delays = new Map<string, number>();
  for (const part of (spec ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const [pattern, ms] = part.split('=');
    const value = Number(ms);
    if (!pattern || !Number.isFinite(value) || value < 0) {
      throw new Error(`CLEAVE_FAULT_DELAY_MS: expected "pattern=milliseconds[,...]", got "${part}"`);
    }
    delays.set(pattern, value);
  }
  return delays;
}
