import request from 'supertest';
import { CleaveSystem } from '../support/system';
import { adminToken, createProduct, registerAndLogin } from './shop.flows';

interface Product {
  id: string;
  name: string;
  category: string;
  priceCents: number;
  stock: number;
  active: boolean;
}

/**
 * The catalog over HTTP, asserted identically in every topology: browsing, search and sort,
 * administration, and reads that show a change at once (the read cache is invalidated).
 */
export function catalogFlows(system: () => CleaveSystem): void {
  let url: string;
  let admin: string;
  let customer: string;
  // Categories of this run alone, so products of other flows never show up in a page.
  const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const tools = `tools-${run}`;
  const garden = `garden-${run}`;
  const made: Record<string, Product> = {};

  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const list = async (query: string, token?: string) => {
    const req = request(url).get(`/products?${query}`);
    const res = await (token ? req.set(as(token)) : req).expect(200);
    return res.body as { items: Product[]; total: number; limit: number; offset: number };
  };
  const names = (items: Product[]) => items.map((p) => p.name);

  beforeAll(async () => {
    url = system().gatewayUrl;
    admin = await adminToken(url);
    customer = (await registerAndLogin(url, 'catalog')).token;
    const specs = [
      { name: `Hammer ${run}`, category: tools.toUpperCase(), priceCents: 1500, description: 'Steel head' },
      { name: `Saw ${run}`, category: tools, priceCents: 2500, description: 'Cuts wood' },
      { name: `Wrench ${run}`, category: tools, priceCents: 900, description: 'Adjustable, 100% steel' },
      { name: `Rake ${run}`, category: garden, priceCents: 1200, description: 'For leaves' },
      { name: `Hose ${run}`, category: garden, priceCents: 3000, description: 'Twenty metres' },
    ];
    for (const spec of specs) made[spec.name.split(' ')[0]] = (await createProduct(url, admin, { ...spec, stock: 5 })) as unknown as Product;
  });

  it('creates products in lower-cased categories, active by default', () => {
    expect(made.Hammer).toMatchObject({ category: tools, active: true, stock: 5 });
  });

  it('browses a category page by page', async () => {
    const first = await list(`category=${tools}&limit=2&sort=name`);
    expect(first).toMatchObject({ total: 3, limit: 2, offset: 0 });
    expect(names(first.items)).toEqual([`Hammer ${run}`, `Saw ${run}`]);
    const second = await list(`category=${tools}&limit=2&offset=2&sort=name`);
    expect(names(second.items)).toEqual([`Wrench ${run}`]);
    expect(names((await list(`category=${garden}`)).items)).toEqual([`Hose ${run}`, `Rake ${run}`]);
  });

  it('searches name and description, case-insensitively', async () => {
    expect(names((await list(`q=${encodeURIComponent(`STEEL`)}&category=${tools}&sort=name`)).items)).toEqual([`Hammer ${run}`, `Wrench ${run}`]);
    expect(names((await list(`q=${encodeURIComponent(`rake ${run}`)}`)).items)).toEqual([`Rake ${run}`]);
    expect(names((await list(`q=${encodeURIComponent('100%')}&category=${tools}`)).items)).toEqual([`Wrench ${run}`]);
  });

  it('sorts by price both ways', async () => {
    expect(names((await list(`category=${tools}&sort=price`)).items)).toEqual([`Wrench ${run}`, `Hammer ${run}`, `Saw ${run}`]);
    expect(names((await list(`category=${tools}&sort=-price`)).items)).toEqual([`Saw ${run}`, `Hammer ${run}`, `Wrench ${run}`]);
  });

  it('shows a new price at once after PATCH', async () => {
    const id = made.Saw.id;
    expect((await request(url).get(`/products/${id}`).expect(200)).body.priceCents).toBe(2500);
    // Read twice: the second read is the one a cache would answer.
    await request(url).get(`/products/${id}`).expect(200);
    const patched = await request(url).patch(`/products/${id}`).set(as(admin)).send({ priceCents: 1999, description: 'Cuts wood fast' }).expect(200);
    expect(patched.body).toMatchObject({ id, priceCents: 1999, description: 'Cuts wood fast' });
    expect((await request(url).get(`/products/${id}`).expect(200)).body.priceCents).toBe(1999);
  });

  it('adjusts stock, never below zero', async () => {
    const id = made.Rake.id;
    await request(url).get(`/products/${id}`).expect(200);
    expect((await request(url).post(`/products/${id}/stock`).set(as(admin)).send({ delta: 7 }).expect(200)).body.stock).toBe(12);
    expect((await request(url).get(`/products/${id}`).expect(200)).body.stock).toBe(12);
    const refused = await request(url).post(`/products/${id}/stock`).set(as(admin)).send({ delta: -13 }).expect(409);
    expect(refused.body.message).toMatch(/only 12 in stock/);
    expect((await request(url).post(`/products/${id}/stock`).set(as(admin)).send({ delta: -12 }).expect(200)).body.stock).toBe(0);
  });

  it('deactivates with DELETE: hidden from the list, seen by an admin asking for inactive ones', async () => {
    const id = made.Hose.id;
    const res = await request(url).delete(`/products/${id}`).set(as(admin)).expect(200);
    expect(res.body).toMatchObject({ id, active: false });
    expect(names((await list(`category=${garden}`)).items)).toEqual([`Rake ${run}`]);
    const all = await list(`category=${garden}&includeInactive=true&sort=name`, admin);
    expect(all.items.map((p) => [p.name, p.active])).toEqual([
      [`Hose ${run}`, false],
      [`Rake ${run}`, true],
    ]);
    expect((await request(url).get(`/products/${id}`).expect(200)).body.active).toBe(false);
    await request(url).get(`/products?includeInactive=true`).set(as(customer)).expect(403);
    await request(url).get(`/products?includeInactive=true`).expect(401);
    expect((await list('includeInactive=false')).items.every((p) => p.active)).toBe(true);
  });

  it('lets only admins change the catalog', async () => {
    const id = made.Hammer.id;
    await request(url).post('/products').set(as(customer)).send({ name: 'X', priceCents: 100, category: tools }).expect(403);
    await request(url).patch(`/products/${id}`).set(as(customer)).send({ priceCents: 1 }).expect(403);
    await request(url).post(`/products/${id}/stock`).set(as(customer)).send({ delta: 1 }).expect(403);
    await request(url).delete(`/products/${id}`).set(as(customer)).expect(403);
    await request(url).delete(`/products/${id}`).expect(401);
    expect((await request(url).get(`/products/${id}`).expect(200)).body).toMatchObject({ priceCents: 1500, active: true });
  });

  it('answers bad input with 400 and a message, an unknown product with 404', async () => {
    const id = made.Hammer.id;
    const bad = async (req: request.Test, pattern: RegExp) => expect(JSON.stringify((await req.expect(400)).body.message)).toMatch(pattern);
    await bad(request(url).post('/products').set(as(admin)).send({ name: 'X', priceCents: 100, category: '' }), /category/);
    await bad(request(url).post('/products').set(as(admin)).send({ name: 'X', priceCents: 100, active: 'yes' }), /active/);
    await bad(request(url).patch(`/products/${id}`).set(as(admin)).send({ priceCents: -1 }), /priceCents/);
    await bad(request(url).patch(`/products/${id}`).set(as(admin)).send({ stock: 3 }), /stock/);
    await bad(request(url).patch(`/products/${id}`).set(as(admin)).send({}), /at least one/);
    await bad(request(url).post(`/products/${id}/stock`).set(as(admin)).send({ delta: 0 }), /delta/);
    await bad(request(url).post(`/products/${id}/stock`).set(as(admin)).send({ delta: 1.5 }), /delta/);
    await bad(request(url).get('/products?sort=cheapest'), /sort/);
    await bad(request(url).get('/products?limit=0'), /limit/);
    await bad(request(url).get('/products?offset=-1'), /offset/);
    await bad(request(url).get('/products?includeInactive=maybe'), /includeInactive/);
    await request(url).patch('/products/not-a-uuid').set(as(admin)).send({ priceCents: 1 }).expect(400);
    await request(url).patch('/products/00000000-0000-4000-8000-000000000000').set(as(admin)).send({ priceCents: 1 }).expect(404);
  });
}
