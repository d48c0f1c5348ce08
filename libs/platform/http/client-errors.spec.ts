import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerClientErrors } from './client-errors';

/** Sends a request whose URL is over Node's header limit, with a body, and reads the answer. */
function oversized(port: number, bodyBytes: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const body = 'x'.repeat(bodyBytes);
    const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: `/${'a'.repeat(17 * 1024)}`, headers: { 'content-type': 'application/json', 'content-length': String(body.length) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('answerClientErrors', () => {
  let server: http.Server;
  let port: number;

  beforeAll(async () => {
    server = http.createServer((_request, response) => response.end('ok'));
    answerClientErrors(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('answers headers over the limit with 431 in the error shape, and the client still sending its body gets it rather than a reset', async () => {
    // Without the lingering close, Node destroys the socket while the body is arriving and the
    // client sees ECONNRESET in most of these.
    const answers = await Promise.all(Array.from({ length: 20 }, () => oversized(port, 256 * 1024)));
    for (const answer of answers) {
      expect(answer.status).toBe(431);
      expect(JSON.parse(answer.body)).toMatchObject({ statusCode: 431, error: 'HEADERS_TOO_LARGE' });
    }
  });

  it('answers 431 on a kept-alive connection that already served a request', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request({ agent, port, host: '127.0.0.1', path }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end();
      });
    try {
      expect(await get('/')).toBe(200);
      expect(await get(`/?q=${'x'.repeat(17 * 1024)}`)).toBe(431);
    } finally {
      agent.destroy();
    }
  });

  it('answers a request that is not HTTP with 400 in the error shape', async () => {
    const net = await import('node:net');
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.end('NOT HTTP AT ALL\r\n\r\n'));
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (text += chunk));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4))).toMatchObject({ statusCode: 400, error: 'BAD_REQUEST' });
  });

  it('still serves well-formed requests', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/`);
    expect(await res.text()).toBe('ok');
  });
});
