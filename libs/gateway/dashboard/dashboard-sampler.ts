import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { onSettingsChange } from '@cleave/platform/config';
import { HealthSettings, InstanceInfo, ServiceRegistry } from '@cleave/platform/health';
import type { MetricSnapshot } from '@cleave/platform/metrics';
import { PROCESS_IDENTITY, ProcessIdentity } from '@cleave/platform/process';
import { SystemHealthService } from '../health/system-health.service';
import { DashboardSettings } from './dashboard.settings';
import type { DashboardView, InstanceView, LinkView, Point, ProcessView, ResilienceView, SeriesView } from './dashboard.view';
import { CounterMemory } from './sampling/counter-memory';
import { InstanceTracker } from './sampling/instance-tracker';
import { METRICS } from './sampling/metric-names';
import { MetricsReader } from './sampling/metrics-reader';
import { readResilience } from './sampling/resilience';
import { RingBuffer } from './sampling/ring-buffer';
import { round, Tally } from './sampling/tally';
import { InstanceMetrics, tallyTraffic } from './sampling/traffic';

/** A link's rate and latency are taken over this many milliseconds of samples. */
const LINK_SPAN_MS = 10_000;
/** A registry read or metrics read slower than this is given up for the sample. */
const READ_TIMEOUT_MS = 2000;

type Listener = (update: DashboardView) => void;

interface SeriesState {
  points: RingBuffer<Point>;
  lastActive: number;
}

/**
 * The gateway's view of the running system, sampled every `intervalMs` while at least one
 * dashboard watches and not at all otherwise: the registry (instances, the events their
 * modules take), each instance's metrics (dead letters included). Rates and latencies are the
 * difference between two samples, kept in ring buffers covering `windowMs`; the buffers
 * outlive the watchers so a reload keeps its charts, and are dropped once stale.
 */
@Injectable()
export class DashboardSampler implements OnApplicationShutdown {
  private readonly logger = new Logger('Dashboard');
  private readonly listeners = new Set<Listener>();
  private readonly memory = new CounterMemory();
  private tracker: InstanceTracker;
  private readonly unsubscribe: () => void;
  private readonly series = new Map<string, SeriesState>();
  private readonly links = new Map<string, RingBuffer<Tally>>();
  private readonly cpu = new Map<string, { seconds: number; at: number }>();
  private timer?: NodeJS.Timeout;
  private sampling?: Promise<void>;
  private lastSampleAt?: number;
  private latest?: DashboardView;

  constructor(
    private readonly settings: DashboardSettings,
    private readonly health: HealthSettings,
    @Inject(PROCESS_IDENTITY) private readonly identity: ProcessIdentity,
    private readonly registry: ServiceRegistry,
    private readonly system: SystemHealthService,
    private readonly reader: MetricsReader,
  ) {
    this.tracker = new InstanceTracker(health.heartbeatMs, settings.goneMs);
    this.unsubscribe = onSettingsChange(settings, (current, previous) => {
      // The buffers' capacity and the counters' baseline follow the interval and window: start afresh.
      if (current.intervalMs !== previous.intervalMs || current.windowMs !== previous.windowMs) this.forgetHistory();
      if (current.goneMs !== previous.goneMs) this.tracker = new InstanceTracker(health.heartbeatMs, current.goneMs);
    });
  }

  /** Starts sampling with the first watcher (a sample at once), stops with the last; returns the way out. */
  watch(listener: Listener): () => void {
    this.listeners.add(listener);
    // A sample just taken (a watcher's snapshot) counts as the first: the next comes an interval later.
    if (this.listeners.size === 1) this.schedule(this.lastSampleAt === undefined ? 0 : Math.max(0, this.settings.intervalMs - (Date.now() - this.lastSampleAt)));
    return () => {
      this.listeners.delete(listener);
      if (!this.listeners.size) this.stop();
    };
  }

  get watchers(): number {
    return this.listeners.size;
  }

  /**
   * Everything, with each series' history: what a new watcher starts from. Taken fresh when
   * nobody has been watching (a sample's worth of state, charts empty until the next one).
   */
  async snapshot(): Promise<DashboardView> {
    if (!this.latest || !this.timer) await this.sample();
    return { ...this.latest!, series: this.seriesViews() };
  }

  onApplicationShutdown(): void {
    this.unsubscribe();
    this.listeners.clear();
    this.stop();
  }

  private stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(delay: number): void {
    this.timer = setTimeout(() => {
      const started = Date.now();
      void this.sample()
        .then(() => {
          for (const listener of [...this.listeners]) listener(this.latest!);
        })
        .catch((error: Error) => this.logger.warn(`Dashboard sample failed: ${error.message}`))
        .finally(() => {
          // Only while watched; paced from the start of this sample, never overlapping the next.
          if (this.listeners.size && this.timer) this.schedule(Math.max(0, this.settings.intervalMs - (Date.now() - started)));
        });
    }, delay);
  }

  /** One sample at a time: a watcher's snapshot and the timer share the one in progress. */
  private sample(): Promise<void> {
    return (this.sampling ??= this.takeSample().finally(() => (this.sampling = undefined)));
  }

  private async takeSample(): Promise<void> {
    const now = Date.now();
    const previous = this.lastSampleAt;
    // After a pause in watching, counts since the last sample span the pause: start afresh.
    const continuous = previous !== undefined && now - previous <= 3 * this.settings.intervalMs;
    if (!continuous) this.memory.clear();
    if (previous !== undefined && now - previous > this.settings.windowMs) this.forgetHistory();
    this.lastSampleAt = now;

    const listed = await withTimeout(this.registry.instances(), READ_TIMEOUT_MS);
    const instances = this.tracker.update(listed, now);
    const read = await Promise.all(listed.map((info) => this.readInstance(info)));
    const readable = read.filter((r): r is { info: InstanceInfo; metrics: Map<string, MetricSnapshot> } => 'metrics' in r);
    const unreadable = read.flatMap((r) => ('message' in r ? [{ instanceId: r.info.instanceId, message: r.message }] : []));

    const declared = declaredLinks(listed);
    const publishers = new Map(declared.filter((l) => l.kind === 'event').flatMap((l) => (l.events ?? []).map((e) => [e, l.from] as const)));
    const inputs: InstanceMetrics[] = readable.map(({ info, metrics }) => ({
      instanceId: info.instanceId,
      fresh: continuous && Date.parse(info.startedAt) > previous!,
      metrics,
    }));
    const traffic = tallyTraffic(inputs, this.memory, (event) => publishers.get(event));
    this.memory.commit(new Set(readable.map((r) => r.info.instanceId)));
    if (continuous) this.record(traffic.series, traffic.links, now, (now - previous!) / 1000);
    this.describeUsage(instances, readable, now);

    const health = await this.system.health(listed);
    const resilience: ResilienceView = readResilience(readable.map(({ info, metrics }) => ({ instanceId: info.instanceId, process: info.process, metrics })));
    this.latest = {
      at: now,
      intervalMs: this.settings.intervalMs,
      windowMs: this.settings.windowMs,
      topology: { name: this.identity.topology.name, processes: this.processes() },
      status: health.status,
      instances,
      links: this.linkViews(declared, traffic.links.keys()),
      series: this.latestPoints(now),
      resilience,
      unreadable,
    };
  }

  private async readInstance(info: InstanceInfo): Promise<{ info: InstanceInfo; metrics: Map<string, MetricSnapshot> } | { info: InstanceInfo; message: string }> {
    try {
      return { info, metrics: await this.reader.read(info, Math.min(READ_TIMEOUT_MS, this.settings.intervalMs)) };
    } catch (error) {
      return { info, message: (error as Error).message };
    }
  }

  /** Every series seen in the window gets a point per sample (zero when idle), so the charts move on. */
  private record(series: Map<string, Tally>, links: Map<string, Tally>, now: number, seconds: number): void {
    for (const [id, tally] of series) {
      let state = this.series.get(id);
      if (!state) this.series.set(id, (state = { points: new RingBuffer(this.capacity()), lastActive: now }));
      if (tally.count > 0) state.lastActive = now;
    }
    for (const [id, state] of this.series) {
      if (now - state.lastActive > this.settings.windowMs) {
        this.series.delete(id);
        continue;
      }
      state.points.push((series.get(id) ?? new Tally()).point(now, seconds));
    }
    const span = Math.max(1, Math.round(LINK_SPAN_MS / this.settings.intervalMs));
    for (const [id, tally] of links) {
      let window = this.links.get(id);
      if (!window) this.links.set(id, (window = new RingBuffer(span)));
      window.push(tally);
    }
    // A link no instance reports any more (its instances are gone) is dropped.
    for (const id of this.links.keys()) if (!links.has(id)) this.links.delete(id);
  }

  private describeUsage(instances: InstanceView[], readable: { info: InstanceInfo; metrics: Map<string, MetricSnapshot> }[], now: number): void {
    const byId = new Map(instances.map((i) => [i.instanceId, i]));
    for (const { info, metrics } of readable) {
      const row = byId.get(info.instanceId);
      const seconds = metrics.get(METRICS.cpu)?.values[0]?.value;
      const rss = metrics.get(METRICS.rss)?.values[0]?.value;
      if (row && rss !== undefined) row.rssBytes = rss;
      if (seconds === undefined) continue;
      const before = this.cpu.get(info.instanceId);
      this.cpu.set(info.instanceId, { seconds, at: now });
      if (row && before && now > before.at && seconds >= before.seconds) row.cpu = round((seconds - before.seconds) / ((now - before.at) / 1000));
    }
    for (const id of this.cpu.keys()) if (!byId.has(id)) this.cpu.delete(id);
  }

  /**
   * The diagram's edges: the event links the instances declare, and every link their
   * metrics have seen since they started (`seen`: this sample's), with the traffic of the
   * last few samples. Only edges between modules (and the gateway) are drawn: a call made
   * outside any handler is counted under its process's name.
   */
  private linkViews(declared: LinkView[], seen: Iterable<string>): LinkView[] {
    const nodes = new Set(this.processes().flatMap((p) => (p.gateway ? ['gateway', ...p.modules] : p.modules)));
    const views = new Map(declared.map((l) => [linkId(l), l]));
    for (const id of seen) {
      if (views.has(id)) continue;
      const [kind, pair] = [id.slice(0, id.indexOf(':')) as LinkView['kind'], id.slice(id.indexOf(':') + 1)];
      const [from, to] = pair.split('>');
      views.set(id, { from, to, kind, declared: false, rate: 0, errorRatio: null, p50: null, p99: null });
    }
    const seconds = (window: RingBuffer<Tally>) => (window.size * this.settings.intervalMs) / 1000;
    return [...views]
      .filter(([, link]) => nodes.has(link.from) && nodes.has(link.to))
      .map(([id, link]) => {
        const window = this.links.get(id);
        if (!window?.size) return link;
        const total = new Tally();
        for (const tally of window.toArray()) total.merge(tally);
        const [, , , p50, p99] = total.point(0, 1);
        return { ...link, rate: round(total.count / seconds(window)), errorRatio: total.count ? round(total.errors / total.count) : null, p50, p99 };
      })
      .sort((a, b) => `${a.from}>${a.to}`.localeCompare(`${b.from}>${b.to}`) || a.kind.localeCompare(b.kind));
  }

  private latestPoints(now: number): SeriesView[] {
    const views: SeriesView[] = [];
    for (const [id, state] of this.series) {
      const last = state.points.last();
      if (last && last[0] === now) views.push({ id, points: [last] });
    }
    return views;
  }

  private seriesViews(): SeriesView[] {
    return [...this.series].map(([id, state]) => ({ id, points: state.points.toArray() }));
  }

  private processes(): ProcessView[] {
    return Object.entries(this.identity.topology.processes).map(([name, spec]) => ({ name, modules: spec.modules, gateway: spec.gateway, critical: spec.critical }));
  }

  private capacity(): number {
    return Math.max(2, Math.ceil(this.settings.windowMs / this.settings.intervalMs));
  }

  private forgetHistory(): void {
    this.series.clear();
    this.links.clear();
    this.tracker.clear();
  }
}

function linkId(link: Pick<LinkView, 'kind' | 'from' | 'to'>): string {
  return `${link.kind}:${link.from}>${link.to}`;
}

/** The event links the instances' handlers declare (@OnEvent), merged by publisher and subscriber. */
function declaredLinks(instances: readonly InstanceInfo[]): LinkView[] {
  const links = new Map<string, LinkView>();
  for (const { subscriptions } of instances) {
    for (const { publisher: from, subscriber: to, event } of subscriptions ?? []) {
      if (!from) continue;
      const id = linkId({ kind: 'event', from, to });
      const link = links.get(id) ?? { from, to, kind: 'event' as const, events: [], declared: true, rate: 0, errorRatio: null, p50: null, p99: null };
      if (!link.events!.includes(event)) link.events = [...link.events!, event].sort();
      links.set(id, link);
    }
  }
  return [...links.values()];
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the registry did not answer within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
