import { defineSettings, setting } from '@cleave/platform/config';

/** How a process stops: the bound of its drain, and how long the HTTP edge waits for a load balancer. */
export class LifecycleSettings extends defineSettings('lifecycle', 'Start and stop', {
  shutdownTimeoutMs: setting.int('CLEAVE_SHUTDOWN_TIMEOUT_MS', {
    default: 25_000,
    min: 1,
    doc: "longest a stop (SIGTERM) may take: drain, hand back, close; then the exit is forced (exit 1). Inside Kubernetes' 30 s grace period",
  }),
  shutdownDelayMs: setting.int('CLEAVE_SHUTDOWN_DELAY_MS', {
    // Behind a load balancer in production; on a laptop, Ctrl-C should not wait for one.
    default: (context) => (context.env.NODE_ENV === 'production' ? 5000 : 0),
    defaultDoc: '`5000` with `NODE_ENV=production`, else `0`',
    doc: 'a process serving the gateway: how long it answers (with `Connection: close`, readiness 503) after SIGTERM before it stops accepting connections, so a load balancer notices first',
  }),
}) {}
