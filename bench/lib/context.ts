import Redis from 'ioredis';
import { Child, ProcessMemory } from './proc';
import type { SplitDatabase } from './system';

/** How long and how hard each scenario runs; `quick` is the smoke-check version. */
export interface Plans {
  bus: {
    /** Every system is up at once; measurements alternate between them in this many rounds. */
    rounds: number;
    /** Before the first round, per system: sequential calls and time at `inFlight`, unmeasured. */
    warmupCalls: number;
    warmupMs: number;
    /** Sequential calls timed per system, over all rounds (each round has a short warm-up too). */
    sequentialCalls: number;
    /** Calls in flight in the throughput phase, and its length per system over all rounds. */
    inFlight: number;
    durationMs: number;
  };
  events: {
    /** Both systems are up at once; measurements alternate between them in this many rounds. */
    rounds: number;
    /** Unmeasured events first. */
    warmupEvents: number;
    /** Paced phase: this many events (over all rounds), one at a time with `latencyIntervalMs` between them. */
    latencyEvents: number;
    latencyIntervalMs: number;
    /** Throughput phase: emits in flight and for how long (over all rounds); then up to `drainTimeoutMs` for delivery. */
    inFlight: number;
    durationMs: number;
    drainTimeoutMs: number;
  };
  http: {
    warmupSec: number;
    durationSec: number;
    /** GET /products/:id at one connection: the latency of an unloaded system. */
    sequentialSec: number;
    getConnections: number;
    checkoutConnections: number;
    /** Alternating monolith / bare-floor rounds of GET /products/:id. */
    floorRounds: number;
    products: number;
    checkoutProducts: number;
  };
  /** Checkout under payment failures: the payment simulator's knobs, and one run per system. */
  checkout: {
    /** Share of charges the simulator declines, and its latency per charge. */
    failureRate: number;
    latencyMs: number;
    connections: number;
    warmupSec: number;
    durationSec: number;
    products: number;
    /** After the load, how long the last sagas may take to finish before the stock check. */
    settleTimeoutSec: number;
  };
  /** Checkout one at a time across a simulated network of `delayMs` each way (delay-proxy peers). */
  network: {
    delayMs: number;
    /** Each a run with the delay and one without, in turn. */
    rounds: number;
    warmupSec: number;
    durationSec: number;
  };
  /** A system doing nothing: settle after start, then CPU over the window. */
  idle: {
    settleSec: number;
    durationSec: number;
  };
  /** What tracing costs a checkout: the monolith's modes alternate in rounds; split runs one round each. */
  tracing: {
    rounds: number;
    connections: number;
    warmupSec: number;
    durationSec: number;
    checkoutProducts: number;
  };
  /** Cost as work grows: [products, orders of the customer] per size, and requests timed per route. */
  scale: {
    sizes: [number, number][];
    warmupRequests: number;
    requests: number;
  };
}

export const FULL: Plans = {
  bus: { rounds: 4, warmupCalls: 2000, warmupMs: 1500, sequentialCalls: 10_000, inFlight: 100, durationMs: 8000 },
  events: { rounds: 2, warmupEvents: 2000, latencyEvents: 1000, latencyIntervalMs: 1, inFlight: 100, durationMs: 5000, drainTimeoutMs: 30_000 },
  http: { warmupSec: 2, durationSec: 10, sequentialSec: 3, getConnections: 50, checkoutConnections: 20, floorRounds: 2, products: 100, checkoutProducts: 10 },
  checkout: { failureRate: 0.2, latencyMs: 5, connections: 20, warmupSec: 1, durationSec: 8, products: 5, settleTimeoutSec: 30 },
  tracing: { rounds: 3, connections: 20, warmupSec: 2, durationSec: 6, checkoutProducts: 10 },
  network: { delayMs: 0.25, rounds: 2, warmupSec: 2, durationSec: 8 },
  idle: { settleSec: 60, durationSec: 30 },
  scale: { sizes: [[1_000, 10], [100_000, 1_000], [1_000_000, 10_000]], warmupRequests: 20, requests: 200 },
};

export const QUICK: Plans = {
  bus: { rounds: 2, warmupCalls: 300, warmupMs: 300, sequentialCalls: 1000, inFlight: 100, durationMs: 1500 },
  events: { rounds: 1, warmupEvents: 300, latencyEvents: 200, latencyIntervalMs: 1, inFlight: 100, durationMs: 1500, drainTimeoutMs: 15_000 },
  http: { warmupSec: 1, durationSec: 2, sequentialSec: 1, getConnections: 50, checkoutConnections: 20, floorRounds: 1, products: 20, checkoutProducts: 5 },
  checkout: { failureRate: 0.2, latencyMs: 5, connections: 20, warmupSec: 1, durationSec: 2, products: 3, settleTimeoutSec: 15 },
  tracing: { rounds: 1, connections: 20, warmupSec: 1, durationSec: 2, checkoutProducts: 5 },
  network: { delayMs: 0.25, rounds: 1, warmupSec: 1, durationSec: 3 },
  idle: { settleSec: 2, durationSec: 5 },
  scale: { sizes: [[1_000, 10], [10_000, 100]], warmupRequests: 5, requests: 30 },
};

export interface Context {
  quick: boolean;
  plans: Plans;
  redisUrl: string;
  /** The orchestrator's own connection, for cleanup and inspection only. */
  redis: Redis;
  /** Unique per run: part of every Redis prefix, channel and namespace the peers use. */
  runId: string;
  splitDatabase: SplitDatabase;
  log(message: string): void;
}

export interface ProcessFigure extends ProcessMemory {
  role: string;
}

export function memoryOf(children: Child[]): ProcessFigure[] {
  return children.map((child) => ({ role: child.name, ...child.memory() }));
}

/** Tracks the highest VmRSS of each process while a load runs ("under load" RSS). */
export class RssSampler {
  private readonly max = new Map<Child, number>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly children: Child[]) {}

  start(intervalMs = 200): this {
    const sample = () => {
      for (const child of this.children) {
        const { rssMB } = child.memory();
        if (Number.isFinite(rssMB)) this.max.set(child, Math.max(this.max.get(child) ?? 0, rssMB));
      }
    };
    sample();
    this.timer = setInterval(sample, intervalMs);
    return this;
  }

  stop(): ProcessFigure[] {
    clearInterval(this.timer);
    return this.children.map((child) => ({ role: child.name, rssMB: this.max.get(child) ?? NaN, peakRssMB: child.memory().peakRssMB }));
  }
}

export function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
