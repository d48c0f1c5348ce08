import request from 'supertest';
import { CleaveSystem } from '../support/system';
import { adminToken, createProduct, registerAndLogin, Shopper } from './shop.flows';

const TRACE_ID = /^[0-9a-f]{32}$/;

/** `{statusCode, error, message, details?, traceId}` and nothing else. */
function expectErrorShape(body: Record<string, unknown>, statusCode: number, error: string): void {
  expect(body).toEqual({ statusCode, error, message: expect.any(String), traceId: expect.stringMatching(TRACE_ID), ...('details' in body ? { details: body.details } : {}) });
}

/** The public edge, the same whichever topology serves it: one error shape, bounded input, security headers. */
export function edgeFlows(system: () => CleaveSystem): void {
  let url: string;
  let shopper: Shopper;
  let admin: string;

  beforeAll(async () => {
    url = system().gatewayUrl;
    shopper = await registerAndLogin(url, 'edge');
    admin = await adminToken(url);
  });

  describe('one error shape', () => {
    it('for a business error', async () => {
      const product = await createProduct(url, admin, { stock: 10 });
      const short = await request(url).post(`/products/${product.id}/stock`).set('Authorization', `Bearer ${admin}`).send({ delta: -11 }).expect(409);
      expectErrorShape(short.body, 409, 'CONFLICT');
    });

    it('for a validation error: one message per field, unknown properties named without their values', async () => {
      const product = await createProduct(url, admin);
      const res = await request(url).post('/cart/items').set('Authorization', `Bearer ${shopper.token}`).send({ productId: product.id, quantity: '2', secret: 'hunter2' }).expect(400);
      expectErrorShape(res.body, 400, 'VALIDATION_FAILED');
      expect(res.body.details).toEqual({ quantity: 'must be an integer number', secret: 'is not a known property' });
      expect(JSON.stringify(res.body)).not.toContain('hunter2');
    });

    it('for a body-parser error, logged without a stack', async () => {
      const res = await request(url).post('/auth/login').set('Content-Type', 'application/json').send('{"email": "a@b.c", "password": hunter2').expect(400);
      expectErrorShape(res.body, 400, 'BAD_REQUEST');
      expect(JSON.stringify(res.body)).not.toContain('hunter2');
      const gateway = system().instancesOf(system().processNames().find((p) => p === 'gateway' || p === 'monolith')!)[0];
      expect(gateway.output.filter((line) => line.includes('"level":"error"') && line.includes('JSON'))).toEqual([]);
    });

    it('for an unknown route, on the gateway and on every process', async () => {
      expectErrorShape((await request(url).get('/no-such-route').expect(404)).body, 404, 'NOT_FOUND');
      for (const name of system().processNames()) {
        const [instance] = system().instancesOf(name);
        expectErrorShape((await request(instance.url).get('/no-such-route').expect(404)).body, 404, 'NOT_FOUND');
        expectErrorShape((await request(instance.url).get('/metrics?format=xml').expect(400)).body, 400, 'BAD_REQUEST');
      }
    });

    it('says the trace id it answers in x-trace-id too', async () => {
      const res = await request(url).get('/no-such-route').set('traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01').expect(404);
      expect(res.body.traceId).toBe(res.headers['x-trace-id']);
    });
  });

  describe('bounded input: a 4xx, never a 5xx', () => {
    it('refuses a body nested thousands deep with 400 before validating it', async () => {
      for (const deep of ['['.repeat(5000) + ']'.repeat(5000), '{"a":'.repeat(3000) + '1' + '}'.repeat(3000)]) {
        const res = await request(url).post('/auth/register').set('Content-Type', 'application/json').send(deep).expect(400);
        expect(res.body.message).toMatch(/nested deeper than \d+ levels/);
      }
    });

    it('refuses a lone surrogate with 400', async () => {
      const body = '{"email":"x\\ud83dy@example.com","password":"long-enough-pw"}';
      await request(url).post('/auth/register').set('Content-Type', 'application/json').send(body).expect(400);
      await request(url).patch('/users/me').set('Authorization', `Bearer ${shopper.token}`).set('Content-Type', 'application/json').send('{"email":"\\udc00@example.com"}').expect(400);
    });

    it('refuses a body of another type with 415, without echoing it', async () => {
      const res = await request(url).post('/auth/login').set('Content-Type', 'application/x-www-form-urlencoded').send('{"email":"ann@example.com","password":"ann-password"}').expect(415);
      expectErrorShape(res.body, 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect(JSON.stringify(res.body)).not.toContain('ann-password');
      await request(url).post('/auth/login').set('Content-Type', 'text/plain').send('hello').expect(415);
    });

    it('refuses a body over 100 KB with 413', async () => {
      const res = await request(url).post('/auth/register').set('Content-Type', 'application/json').send(JSON.stringify({ name: 'x'.repeat(110 * 1024) })).expect(413);
      expectErrorShape(res.body, 413, 'PAYLOAD_TOO_LARGE');
    });

    it('answers 404 for setting the quantity of a line not in the cart', async () => {
      const product = await createProduct(url, admin);
      const res = await request(url).put(`/cart/items/${product.id}`).set('Authorization', `Bearer ${shopper.token}`).send({ quantity: 2 }).expect(404);
      expectErrorShape(res.body, 404, 'NOT_FOUND');
    });
  });

  describe('headers', () => {
    it("sends helmet's set, no X-Powered-By, and no-store on token answers", async () => {
      const res = await request(url).post('/auth/login').send({ email: shopper.email, password: 'correct-horse-battery' }).expect(200);
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'SAMEORIGIN', 'cache-control': 'no-store', 'strict-transport-security': expect.any(String) });
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    });

    it('answers a preflight: CORS headers for an allowed origin only', async () => {
      const allowed = system().environment.CLEAVE_CORS_ORIGINS;
      const preflight = (origin: string) => request(url).options('/auth/login').set('Origin', origin).set('Access-Control-Request-Method', 'POST').expect(204);
      expect((await preflight('https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
      expect((await preflight(allowed)).headers['access-control-allow-origin']).toBe(allowed);
    });
  });
}
