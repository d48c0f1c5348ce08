/**
 * What the dashboard's API and event stream send: plain JSON, shared by the gateway and the
 * page (libs/gateway/dashboard/web), so both sides are checked against one definition.
 * Imports nothing: the page's bundle takes these types and no server code.
 */

/** `[epoch ms, requests per second, error ratio (null: no requests), p50 ms, p99 ms]`. */
export type Point = [t: number, rate: number, errorRatio: number | null, p50: number | null, p99: number | null];

export type SeriesKind = 'http' | 'call' | 'event';

/** One route or bus pattern over time. In an update, `points` holds only the newest point. */
export interface SeriesView {
  /** `http:POST /cart/checkout`, `call:catalog.reserveStock`, `event:order.confirmed>notifications`. */
  id: string;
  points: Point[];
}

export interface ProcessView {
  name: string;
  modules: string[];
  gateway: boolean;
  critical: boolean;
}

export type InstanceState = 'live' | 'late' | 'gone';

export interface InstanceView {
  instanceId: string;
  process: string;
  host: string;
  pid: number;
  version: string;
  startedAt: string;
  /** Its own readiness at its last heartbeat. */
  ready: boolean;
  failing?: Record<string, string>;
  lastSeen: string;
  /** live: heartbeating; late: a heartbeat overdue; gone: left the registry (shown a while, greyed). */
  state: InstanceState;
  /** Share of one core used since the previous sample. */
  cpu?: number;
  rssBytes?: number;
}

/** A module-to-module edge of the topology diagram, with its traffic over the last few samples. */
export interface LinkView {
  from: string;
  to: string;
  kind: 'call' | 'event';
  /** Events only: which events flow along it. */
  events?: string[];
  /**
   * Declared by the code (an @OnEvent subscription), so drawn before anything flows; the
   * others are what the bus has counted (calls, by the module making them) since the
   * instances started.
   */
  declared: boolean;
  rate: number;
  errorRatio: number | null;
  p50: number | null;
  p99: number | null;
}

export interface BreakerView {
  process: string;
  instanceId: string;
  target: string;
  state: 'closed' | 'half-open' | 'open';
}

export interface BulkheadView {
  process: string;
  instanceId: string;
  target: string;
  active: number;
  queued: number;
}

export interface OutboxView {
  module: string;
  backlog: number;
  oldestAgeSeconds: number;
  /** Events given up on and parked in the outbox (one process). */
  dead: number;
}

export interface ConsumerView {
  subscriber: string;
  event: string;
  undelivered: number;
  unacknowledged: number;
}

export interface DeadLetterView {
  event: string;
  count: number;
}

export interface ResilienceView {
  breakers: BreakerView[];
  bulkheads: BulkheadView[];
  outboxes: OutboxView[];
  consumers: ConsumerView[];
  deadLetters: DeadLetterView[];
}

/** The whole picture (the stream's first `snapshot` event), or one sample's worth (each `update`). */
export interface DashboardView {
  /** When this sample was taken (epoch ms). */
  at: number;
  intervalMs: number;
  windowMs: number;
  topology: { name: string; processes: ProcessView[] };
  status: 'healthy' | 'degraded' | 'down';
  instances: InstanceView[];
  links: LinkView[];
  series: SeriesView[];
  resilience: ResilienceView;
  /** Instances whose metrics could not be read in this sample, and why. */
  unreadable: { instanceId: string; message: string }[];
}

/** One line of the trace list. */
export interface TraceRow {
  traceId: string;
  name: string;
  startTime: string;
  durationMs: number;
  spanCount: number;
  processes: string[];
  errors: number;
  statusCode?: number;
}

/** A span of the waterfall: the stored span, with the module that did the work. */
export interface WaterfallSpan {
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: string;
  process: string;
  instance: string;
  module: string;
  startTime: number;
  durationMs: number;
  status: 'unset' | 'ok' | 'error';
  statusMessage?: string;
  attributes: Record<string, unknown>;
}

export interface SessionView {
  user: { id: string; role: string };
  /** When the dashboard session ends (epoch ms): the access token it came from expires then. */
  expiresAt: number;
}
