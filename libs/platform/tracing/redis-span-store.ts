import type Redis from 'ioredis';
import { ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { RedisKeys } from '@cleave/platform/redis';
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
 * Written by a BatchSpanProcessor: one pipeline per batch, off the request path.
 */
export class RedisSpanStore implements SpanStore {
  readonly kind = 'redis' as const;

  constructor(
    private readonly redis: Redis,
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
    const pipeline = this.redis.pipeline();
    for (const [traceId, { json, start }] of byTrace) {
      const key = this.keys.trace(traceId);
      pipeline.rpush(key, ...json);
      pipeline.ltrim(key, -this.limits.maxSpansPerTrace, -1);
      pipeline.expire(key, this.limits.ttlSeconds);
      // LT: a trace's score is its earliest span's start, whichever process wrote first.
      pipeline.zadd(index, 'LT', Math.floor(start), traceId);
    }
    // The index keeps the newest maxTraces; the lists of the traces it drops go with them.
    pipeline.eval(EVICT_OLDEST, 1, index, this.limits.maxTraces, this.keys.trace(''));
    pipeline.expire(index, this.limits.ttlSeconds);
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([error]) => error);
    if (failed) throw failed[0];
  }

  async trace(traceId: string): Promise<StoredSpan[]> {
    return inStartOrder(parseAll(await this.redis.lrange(this.keys.trace(traceId), 0, -1)));
  }

  async recent(limit: number): Promise<TraceSummary[]> {
    const ids = await this.redis.zrevrange(this.keys.traces(), 0, limit - 1);
    if (!ids.length) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.lrange(this.keys.trace(id), 0, -1);
    const results = (await pipeline.exec()) ?? [];
    const summaries: TraceSummary[] = [];
    ids.forEach((id, i) => {
      const [error, raw] = results[i] ?? [];
      const spans = error ? [] : parseAll(raw as string[]);
      // Expired traces linger in the index until trimmed: skip them.
      if (spans.length) summaries.push(summarize(id, spans));
    });
    return summaries;
  }
}

/** KEYS[1] the index, ARGV[1] how many traces to keep, ARGV[2] the prefix of a trace's key. */
const EVICT_OLDEST = `
local excess = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[1])
if excess > 0 then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, excess - 1)
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, excess - 1)
  for _, id in ipairs(oldest) do redis.call('UNLINK', ARGV[2] .. id) end
end
return excess`;

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
