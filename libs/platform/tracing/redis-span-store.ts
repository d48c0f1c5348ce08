import { ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { RedisKeys, RedisConnection } from '@cleave/platform/redis';
import { inStartOrder, SpanOrigin, SpanStore, SpanStoreLimits, StoredSpan, summarize, toStoredSpan, TraceSummary } from './span-store';

/**
 * The store of a topology with several processes: the spans of one trace come from several
 * processes, so each writes its own to Redis and the gateway reads them all back. Under the
 * bus's key prefix, on the bus's command connection:
 *
 * - `<prefix>:trace:<traceId>`: a list of span JSON, trimmed to the latest
 *   `maxSpansPerTrace`, expiring `ttlSeconds` after its last write;
 * - `<prefix>:traces`: a sorted set of trace ids scored by the trace's earliest start
 *   (`ZADD LT`), trimmed to the newest `maxTraces`; the lists of the traces it drops are
 *   deleted with them, so Redis holds at most maxTraces x maxSpansPerTrace spans.
 *
 * Written by a BatchSpanProcessor, a batch at a time, off the request path; each command
 * touches one key, so the store works on a Redis Cluster as on one server.
 */
export class RedisSpanStore implements SpanStore {
  readonly kind = 'redis' as const;

  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: RedisKeys,
    private readonly origin: SpanOrigin,
    private readonly limits: SpanStoreLimits,
  ) {}

  async write(spans: readonly ReadableSpan[]): Promise<void> {
    if (!spans.length) return;
    const byTrace = new Map<string, { json: string[]; start: number }>();
    for (const span of spans) {
      const stored = toStoredSpan(span, this.origin);
      const entry = byTrace.get(stored.traceId);
      if (entry) {
        entry.json.push(JSON.stringify(stored));
        entry.start = Math.min(entry.start, stored.startTime);
      } else {
        byTrace.set(stored.traceId, { json: [JSON.stringify(stored)], start: stored.startTime });
      }
    }
    const index = this.keys.traces();
    // One command per key, on the auto-pipelining connection: a trace's list and the index
    // may live on different nodes of a cluster, so no pipeline or script takes them together.
    const writes: Promise<unknown>[] = [];
    for (const [traceId, { json, start }] of byTrace) {
      const key = this.keys.trace(traceId);
      writes.push(this.redis.rpush(key, ...json), this.redis.ltrim(key, -this.limits.maxSpansPerTrace, -1), this.redis.expire(key, this.limits.ttlSeconds));
      // LT: a trace's score is its earliest span's start, whichever process wrote first.
      writes.push(this.redis.zadd(index, 'LT', Math.floor(start), traceId));
    }
    await Promise.all(writes);
    // The index keeps the newest maxTraces; the lists of the traces it drops go with them.
    const evicted = (await this.redis.eval(EVICT_OLDEST, 1, index, this.limits.maxTraces)) as string[];
    await Promise.all([...evicted.map((id) => this.redis.unlink(this.keys.trace(id))), this.redis.expire(index, this.limits.ttlSeconds)]);
  }

  async trace(traceId: string): Promise<StoredSpan[]> {
    return inStartOrder(parseAll(await this.redis.lrange(this.keys.trace(traceId), 0, -1)));
  }

  async recent(limit: number): Promise<TraceSummary[]> {
    const ids = await this.redis.zrevrange(this.keys.traces(), 0, limit - 1);
    if (!ids.length) return [];
    const lists = await Promise.all(ids.map((id) => this.redis.lrange(this.keys.trace(id), 0, -1).catch(() => [] as string[])));
    const summaries: TraceSummary[] = [];
    ids.forEach((id, i) => {
      const spans = parseAll(lists[i]);
      // Expired traces linger in the index until trimmed: skip them.
      if (spans.length) summaries.push(summarize(id, spans));
    });
    return summaries;
  }
}

/**
 * KEYS[1] the index, ARGV[1] how many traces to keep: drops the oldest beyond that and
 * returns their ids (their lists are deleted by the caller: on a cluster a script may touch
 * only keys of its own slot).
 */
const EVICT_OLDEST = `
local excess = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[1])
if excess <= 0 then return {} end
local oldest = redis.call('ZRANGE', KEYS[1], 0, excess - 1)
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, excess - 1)
return oldest`;

function parseAll(raw: string[]): StoredSpan[] {
  const spans: StoredSpan[] = [];
  for (const line of raw) {
    try {
      spans.push(JSON.parse(line) as StoredSpan);
    } catch {
      // A foreign or truncated entry: not worth failing the whole trace for.
    }
  }
  return spans;
}

/** The BatchSpanProcessor's exporter into a RedisSpanStore. */
export class RedisSpanExporter implements SpanExporter {
  private stopped = false;

  constructor(private readonly store: RedisSpanStore) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    if (this.stopped) return done({ code: ExportResultCode.FAILED, error: new Error('exporter shut down') });
    this.store.write(spans).then(
      () => done({ code: ExportResultCode.SUCCESS }),
      (error: Error) => done({ code: ExportResultCode.FAILED, error }),
    );
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
  }

  async forceFlush(): Promise<void> {}
}
