import { createServer, Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { CleaveSystem } from './support/system';
import { eventually } from './support/eventually';

/**
 * With OTEL_EXPORTER_OTLP_ENDPOINT set, spans go to the collector (OTLP over HTTP) instead of
 * the built-in store. A plain HTTP server on loopback stands in for the collector.
 */
describe('tracing: export to an OTLP collector', () => {
  let collector: Server;
  const received: string[] = [];
  let system: CleaveSystem;

  beforeAll(async () => {
    collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (req.url === '/v1/traces') received.push(Buffer.concat(chunks).toString());
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const { port } = collector.address() as { port: number };
    system = await CleaveSystem.start('monolith', { env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` } });
  });

  afterAll(async () => {
    await system?.stop();
    await new Promise((resolve) => collector?.close(resolve));
  });

  it('sends the spans of a request to the collector, under the trace id it answered with', async () => {
    const res = await request(system.gatewayUrl).get('/products').set('traceparent', `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`).expect(200);
    const traceId = res.headers['x-trace-id'];
    await eventually(async () => {
      // The JSON encoding of OTLP carries ids as hex; the protobuf one as raw bytes.
      const hit = received.some((body) => body.includes(traceId) || body.includes(Buffer.from(traceId, 'hex').toString('latin1')));
      if (!hit) throw new Error(`collector got ${received.length} exports, none with the trace`);
    }, 15_000);
  });
});
