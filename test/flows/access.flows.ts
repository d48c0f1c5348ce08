import request from 'supertest';
import { CleaveSystem } from '../support/system';
import { OpenApiDocument, operations } from '../support/openapi';
import { adminToken, createProduct, placeOrder, registerAndLogin, Shopper } from './shop.flows';

type Role = 'anonymous' | 'customer' | 'other customer' | 'admin';
const ROLES: Role[] = ['anonymous', 'customer', 'other customer', 'admin'];

interface Caller {
  role: Role;
  token?: string;
  shopper?: Shopper;
}

interface World {
  url: string;
  ann: Shopper;
  bob: Shopper;
  admin: string;
  productId: string;
  annOrderId: string;
}

interface Row {
  /** What it sends, as the caller; a fresh resource where the call changes it. */
  send(world: World, caller: Caller): Promise<number>;
  /** anonymous, customer (ann, who owns what the path names), another customer (bob), admin. */
  expected: [number, number, number, number];
}

const UNKNOWN_TRACE = '0af7651916cd43dd8448eb211c80319c';
const DEAD_LETTER = '1767000000000-0';
let emails = 0;

function call(world: World, caller: Caller, method: 'get' | 'post' | 'put' | 'patch' | 'delete', path: string, body?: object): Promise<number> {
  const req = request(world.url)[method](path);
  if (caller.token) req.set('Authorization', `Bearer ${caller.token}`);
  return (body === undefined ? req : req.send(body)).then((res) => res.status);
}

/** A stream's status: the answer's head, then the connection is dropped. */
async function streamStatus(world: World, caller: Caller, path: string): Promise<number> {
  const abort = new AbortController();
  const res = await fetch(`${world.url}${path}`, { headers: caller.token ? { Authorization: `Bearer ${caller.token}` } : {}, signal: abort.signal });
  abort.abort();
  return res.status;
}

const get = (path: (w: World) => string) => (w: World, c: Caller) => call(w, c, 'get', path(w));
const freshOrder = async (w: World) => (await placeOrder(w.url, w.ann, w.productId, 1).expect(201)).body.id as string;
/** What the caller's own cart needs before the call: the product in it. */
const withLine = async (w: World, c: Caller) => {
  if (c.token) await request(w.url).post('/cart/items').set('Authorization', `Bearer ${c.token}`).send({ productId: w.productId, quantity: 1 }).expect(200);
};

/**
 * Every route × anonymous / customer / another customer / admin, with the exact status each
 * gets. The contract of who may do what: a route added without a row here fails the test.
 */
const MATRIX: Record<string, Row> = {
  'GET /health/live': { send: get(() => '/health/live'), expected: [200, 200, 200, 200] },
  'GET /health/ready': { send: get(() => '/health/ready'), expected: [200, 200, 200, 200] },
  'GET /health': { send: get(() => '/health'), expected: [200, 200, 200, 200] },
  'GET /metrics': { send: get(() => '/metrics'), expected: [200, 200, 200, 200] },
  'POST /auth/register': { send: (w, c) => call(w, c, 'post', '/auth/register', { email: `matrix-${Date.now()}-${++emails}@example.com`, password: 'long-enough-pw' }), expected: [201, 201, 201, 201] },
  'POST /auth/login': { send: (w, c) => call(w, c, 'post', '/auth/login', { email: w.ann.email, password: 'correct-horse-battery' }), expected: [200, 200, 200, 200] },
  'POST /auth/refresh': {
    send: async (w, c) => {
      const session = await request(w.url).post('/auth/login').send({ email: w.ann.email, password: 'correct-horse-battery' }).expect(200);
      return call(w, c, 'post', '/auth/refresh', { refreshToken: session.body.refreshToken });
    },
    expected: [200, 200, 200, 200],
  },
  'GET /users/me': { send: get(() => '/users/me'), expected: [401, 200, 200, 200] },
  'PATCH /users/me': { send: (w, c) => call(w, c, 'patch', '/users/me', { name: 'Matrix' }), expected: [401, 200, 200, 200] },
  'GET /users': { send: get(() => '/users'), expected: [401, 403, 403, 200] },
  'PATCH /users/{id}/role': { send: (w, c) => call(w, c, 'patch', `/users/${w.ann.id}/role`, { role: 'customer' }), expected: [401, 403, 403, 200] },
  'POST /products': { send: (w, c) => call(w, c, 'post', '/products', { name: 'Matrix mug', priceCents: 100, stock: 1 }), expected: [401, 403, 403, 201] },
  'GET /products': { send: get(() => '/products'), expected: [200, 200, 200, 200] },
  'GET /products/{id}': { send: get((w) => `/products/${w.productId}`), expected: [200, 200, 200, 200] },
  'PATCH /products/{id}': { send: (w, c) => call(w, c, 'patch', `/products/${w.productId}`, { priceCents: 1250 }), expected: [401, 403, 403, 200] },
  'DELETE /products/{id}': {
    send: async (w, c) => call(w, c, 'delete', `/products/${(await createProduct(w.url, w.admin)).id}`),
    expected: [401, 403, 403, 200],
  },
  'POST /products/{id}/stock': { send: (w, c) => call(w, c, 'post', `/products/${w.productId}/stock`, { delta: 1 }), expected: [401, 403, 403, 200] },
  'POST /orders': { send: (w, c) => call(w, c, 'post', '/orders', { items: [{ productId: w.productId, quantity: 1 }] }), expected: [401, 201, 201, 201] },
  'GET /orders': { send: get(() => '/orders'), expected: [401, 200, 200, 200] },
  'GET /orders/all': { send: get(() => '/orders/all'), expected: [401, 403, 403, 200] },
  'GET /orders/{id}': { send: get((w) => `/orders/${w.annOrderId}`), expected: [401, 200, 404, 200] },
  'POST /orders/{id}/cancel': { send: async (w, c) => call(w, c, 'post', `/orders/${await freshOrder(w)}/cancel`, {}), expected: [401, 200, 404, 200] },
  'PATCH /orders/{id}/status': { send: async (w, c) => call(w, c, 'patch', `/orders/${await freshOrder(w)}/status`, { status: 'SHIPPED' }), expected: [401, 403, 403, 200] },
  'GET /orders/{id}/payment': { send: get((w) => `/orders/${w.annOrderId}/payment`), expected: [401, 200, 404, 200] },
  'GET /notifications': { send: get(() => '/notifications'), expected: [401, 200, 200, 200] },
  'POST /notifications/read': { send: (w, c) => call(w, c, 'post', '/notifications/read', {}), expected: [401, 200, 200, 200] },
  'GET /notifications/stream': { send: (w, c) => streamStatus(w, c, '/notifications/stream'), expected: [401, 200, 200, 200] },
  'GET /cart': { send: get(() => '/cart'), expected: [401, 200, 200, 200] },
  'DELETE /cart': { send: (w, c) => call(w, c, 'delete', '/cart'), expected: [401, 200, 200, 200] },
  'POST /cart/items': { send: (w, c) => call(w, c, 'post', '/cart/items', { productId: w.productId, quantity: 1 }), expected: [401, 200, 200, 200] },
  'PUT /cart/items/{productId}': { send: async (w, c) => (await withLine(w, c), call(w, c, 'put', `/cart/items/${w.productId}`, { quantity: 2 })), expected: [401, 200, 200, 200] },
  'DELETE /cart/items/{productId}': { send: (w, c) => call(w, c, 'delete', `/cart/items/${w.productId}`), expected: [401, 200, 200, 200] },
  'POST /cart/checkout': { send: async (w, c) => (await withLine(w, c), call(w, c, 'post', '/cart/checkout', {})), expected: [401, 201, 201, 201] },
  'GET /services': { send: get(() => '/services'), expected: [401, 403, 403, 200] },
  'GET /traces': { send: get(() => '/traces'), expected: [401, 403, 403, 200] },
  'GET /traces/{traceId}': { send: get(() => `/traces/${UNKNOWN_TRACE}`), expected: [401, 403, 403, 404] },
  'GET /config': { send: get(() => '/config'), expected: [401, 403, 403, 200] },
  'GET /dead-letters': { send: get(() => '/dead-letters'), expected: [401, 403, 403, 200] },
  'GET /dead-letters/{event}': { send: get(() => '/dead-letters/order.confirmed'), expected: [401, 403, 403, 200] },
  'DELETE /dead-letters/{event}': { send: (w, c) => call(w, c, 'delete', '/dead-letters/order.confirmed'), expected: [401, 403, 403, 200] },
  'GET /dead-letters/{event}/{id}': { send: get(() => `/dead-letters/order.confirmed/${DEAD_LETTER}`), expected: [401, 403, 403, 404] },
  'DELETE /dead-letters/{event}/{id}': { send: (w, c) => call(w, c, 'delete', `/dead-letters/order.confirmed/${DEAD_LETTER}`), expected: [401, 403, 403, 404] },
  'POST /dead-letters/{event}/replay': { send: (w, c) => call(w, c, 'post', '/dead-letters/order.confirmed/replay'), expected: [401, 403, 403, 200] },
  'POST /dead-letters/{event}/{id}/replay': { send: (w, c) => call(w, c, 'post', `/dead-letters/order.confirmed/${DEAD_LETTER}/replay`), expected: [401, 403, 403, 404] },
  'GET /dashboard': { send: get(() => '/dashboard'), expected: [401, 403, 403, 200] },
  'GET /dashboard/assets/{name}': { send: get(() => '/dashboard/assets/app.js'), expected: [200, 200, 200, 200] },
  'POST /dashboard/session': { send: (w, c) => call(w, c, 'post', '/dashboard/session'), expected: [401, 403, 403, 200] },
  'DELETE /dashboard/session': { send: (w, c) => call(w, c, 'delete', '/dashboard/session'), expected: [204, 204, 204, 204] },
  'GET /dashboard/api/session': { send: get(() => '/dashboard/api/session'), expected: [401, 403, 403, 200] },
  'GET /dashboard/stream': { send: (w, c) => streamStatus(w, c, '/dashboard/stream'), expected: [401, 403, 403, 200] },
  'GET /dashboard/api/snapshot': { send: get(() => '/dashboard/api/snapshot'), expected: [401, 403, 403, 200] },
  'GET /dashboard/api/traces': { send: get(() => '/dashboard/api/traces'), expected: [401, 403, 403, 200] },
  'GET /dashboard/api/traces/{traceId}': { send: get(() => `/dashboard/api/traces/${UNKNOWN_TRACE}`), expected: [401, 403, 403, 404] },
  // Last: it revokes every access token of the caller.
  'POST /auth/logout': { send: (w, c) => call(w, c, 'post', '/auth/logout', {}), expected: [401, 204, 204, 204] },
};

/** The access matrix, asserted whole: every documented route has a row, every cell its exact status. */
export function accessFlows(system: () => CleaveSystem, document: () => OpenApiDocument): void {
  let world: World;
  let callers: Caller[];

  beforeAll(async () => {
    const url = system().gatewayUrl;
    const [ann, bob, admin] = await Promise.all([registerAndLogin(url, 'matrix-ann'), registerAndLogin(url, 'matrix-bob'), adminToken(url)]);
    const product = await createProduct(url, admin, { stock: 1000 });
    const annOrderId = (await placeOrder(url, ann, product.id, 1).expect(201)).body.id as string;
    world = { url, ann, bob, admin, productId: product.id, annOrderId };
    callers = [{ role: 'anonymous' }, { role: 'customer', token: ann.token, shopper: ann }, { role: 'other customer', token: bob.token, shopper: bob }, { role: 'admin', token: admin }];
  });

  it('has a row for every documented route, and none for a route that is not', () => {
    expect(Object.keys(MATRIX).sort()).toEqual(operations(document()).map((o) => o.key).sort());
  });

  it('answers each route for anonymous, a customer, another customer and an admin with exactly the statuses of the matrix', async () => {
    const got: Record<string, number[]> = {};
    const want: Record<string, number[]> = {};
    for (const [route, row] of Object.entries(MATRIX)) {
      want[route] = row.expected;
      got[route] = [];
      for (const caller of callers) got[route].push(await row.send(world, caller));
    }
    expect(got).toEqual(want);
    expect(ROLES).toEqual(callers.map((c) => c.role));
  });
}
