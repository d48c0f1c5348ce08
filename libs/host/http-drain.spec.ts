import { Agent, createServer, request, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { HttpDrain } from './http-drain';

/** One GET over `agent`: its status and Connection header, or the error the client saw. */
function get(port: number, agent: Agent, path = '/'): Promise<{ status?: number; connection?: string; error?: string }> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, connection: res.headers.connection }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end();
  });
}

describe('HttpDrain', () => {
  let server: Server;
  let drain: HttpDrain;
  let port: number;
  let release: () => void;
  let held: Promise<void>;

  beforeEach(async () => {
    held = new Promise((resolve) => (release = resolve));
    server = createServer((req, res) => {
      if (req.url === '/slow') void held.then(() => res.end('slow'));
      else res.end('ok');
    });
    drain = new HttpDrain(server);
    server.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterEach(() => {
    release();
    server.close();
  });

  it('answers with Connection: close while draining, then refuses new connections', async () => {
    const agent = new Agent({ keepAlive: true });
    expect(await get(port, agent)).toMatchObject({ status: 200, connection: 'keep-alive' });
    drain.closeAfterEachAnswer();
    expect(await get(port, agent)).toMatchObject({ status: 200, connection: 'close' });
    await drain.close();
    expect(await get(port, agent)).toEqual({ error: 'ECONNREFUSED' });
    agent.destroy();
  });

  it('answers a request in flight before it closes, and closes idle keep-alive connections', async () => {
    const idle = new Agent({ keepAlive: true });
    expect(await get(port, idle)).toMatchObject({ status: 200 });
    const busy = new Agent({ keepAlive: true });
    const slow = get(port, busy, '/slow');
    await new Promise<void>((resolve) => server.once('request', () => resolve()));
    let closed = false;
    const closing = drain.close().then(() => (closed = true));
    // It stops accepting at once; the connection answering stays until its answer is out.
    expect(server.listening).toBe(false);
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    release();
    expect(await slow).toMatchObject({ status: 200, connection: 'close' });
    await closing;
    idle.destroy();
    busy.destroy();
  });
});
