import { clientFor, defineContract, event, request } from '@cleave/contracts/kernel/contract';

/** The small payload every request/reply peer echoes (same bytes for every framework). */
export const PAYLOAD = { text: 'hello, bench', n: 42 };
export type EchoPayload = typeof PAYLOAD;

/** What the events scenario sends: a sequence number, a send time and the phase it belongs to. */
export interface BenchEvent {
  n: number;
  sentAt: number;
  phase: string;
}

/** The bench-only contract of the Cleave bus peers: one echo request, one event. */
export const benchContract = defineContract('bench', {
  requests: { echo: request<EchoPayload, EchoPayload>() },
  events: { 'bench.happened': event<BenchEvent>() },
});

export abstract class BenchClient extends clientFor(benchContract) {}

/** Module names of the bench topologies: `bench` answers, `caller` calls, `sink` subscribes. */
export const BENCH_MODULES = ['bench', 'caller', 'sink'];

export function redisHostPort(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname || '127.0.0.1', port: Number(parsed.port || 6379) };
}
