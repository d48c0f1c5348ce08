import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { ADMIN, CleaveSystem } from './support/system';
import { ROOT } from './support/system-env';
import { browserUnavailable, launchChromium } from './support/browser';
import { adminToken, createProduct, registerAndLogin, Shopper } from './flows/shop.flows';

/** Screenshots of each run, for a person to look at (gitignored). */
const ARTIFACTS = join(ROOT, 'test/artifacts');
const UNAVAILABLE = browserUnavailable();
if (UNAVAILABLE) console.warn(`Skipping the dashboard browser tests: ${UNAVAILABLE}`);
const describeInBrowser = UNAVAILABLE ? describe.skip : describe;

/** The slices of the browser's DOM the page functions below use (the tests compile without DOM types). */
interface DataElement {
  dataset: Record<string, string | undefined>;
}
interface BrowserWindow {
  getComputedStyle(element: unknown): { opacity: string };
}

interface ServiceView {
  process: string;
  instances: { instanceId: string }[];
}

/** The dashboard as an administrator sees it in Chromium, against a system the test started. */
function dashboardJourney(topology: 'monolith' | 'split'): void {
  let system: CleaveSystem;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let url: string;
  let admin: string;
  let customer: Shopper;
  const requested: string[] = [];

  beforeAll(async () => {
    [system, browser] = await Promise.all([CleaveSystem.start(topology, { env: { CLEAVE_DASHBOARD_INTERVAL_MS: '400' } }), launchChromium()]);
    url = system.gatewayUrl;
    [admin, customer] = await Promise.all([adminToken(url), registerAndLogin(url, 'dash')]);
    context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    page = await context.newPage();
    page.on('request', (r) => requested.push(r.url()));
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it("answers a customer's token with 403 and nobody with 401, on the page and its data", async () => {
    const asCustomer = { Authorization: `Bearer ${customer.token}` };
    for (const path of ['/dashboard', '/dashboard/api/snapshot', '/dashboard/api/traces', '/dashboard/stream', '/dashboard/api/session']) {
      await request(url).get(path).set(asCustomer).expect(403);
      await request(url).get(path).expect(401);
    }
    await request(url).post('/dashboard/session').set(asCustomer).expect(403);
    const forbidden = await context.browser()!.newPage();
    await forbidden.setExtraHTTPHeaders(asCustomer);
    expect((await forbidden.goto(`${url}/dashboard`))!.status()).toBe(403);
    await forbidden.getByText('Administrators only').waitFor();
    await forbidden.close();
  });

  it('signs an administrator in and lists the processes and instances the API reports', async () => {
    expect((await page.goto(`${url}/dashboard`))!.status()).toBe(401);
    await page.fill('input[name=email]', ADMIN.email);
    await page.fill('input[name=password]', ADMIN.password);
    await page.click('button[type=submit]');
    await page.locator('[data-connection=live]').waitFor();
    const services = (await request(url).get('/services').set('Authorization', `Bearer ${admin}`).expect(200)).body.services as ServiceView[];
    for (const service of services) {
      await page.locator(`g.process[data-process="${service.process}"]`).waitFor();
      for (const { instanceId } of service.instances) await page.locator(`tr[data-instance="${instanceId}"][data-state=live]`).waitFor();
    }
    expect(await page.locator('g.process').count()).toBe(services.length);
  });

  it('shows a checkout in the traffic charts and as a trace across gateway, orders, catalog and payments', async () => {
    const product = await createProduct(url, admin, { stock: 5 });
    const auth = { Authorization: `Bearer ${customer.token}` };
    await request(url).post('/cart/items').set(auth).send({ productId: product.id, quantity: 1 }).expect(200);
    const checkout = await request(url).post('/cart/checkout').set(auth).set('Idempotency-Key', `dash-${topology}-${Date.now()}`).send({}).expect(201);
    const traceId = checkout.headers['x-trace-id'] as string;

    for (const series of ['http:POST /cart/checkout', 'call:orders.placeOrder', 'call:catalog.reserveStock', 'call:payments.charge']) {
      await page.locator(`tr[data-series="${series}"]:not([data-requests="0"]) .sparkline canvas`).waitFor({ timeout: 15_000 });
    }
    await page.locator('g.edge.active[data-link="orders>payments"]').waitFor();

    await page.fill('input[name=route]', '/cart/checkout');
    await page.locator(`tr[data-trace="${traceId}"]`).click({ timeout: 15_000 });
    const waterfall = page.locator(`[data-waterfall="${traceId}"]`);
    await waterfall.waitFor();
    const modules = new Set(await waterfall.locator('.span-row').evaluateAll((rows) => rows.map((r) => (r as unknown as DataElement).dataset.module)));
    expect([...modules]).toEqual(expect.arrayContaining(['gateway', 'cart', 'orders', 'catalog', 'payments']));
    if (topology === 'split') {
      const processes = new Set(await waterfall.locator('.span-row').evaluateAll((rows) => rows.map((r) => (r as unknown as DataElement).dataset.process)));
      expect([...processes]).toEqual(expect.arrayContaining(['gateway', 'orders', 'catalog', 'payments']));
    }
    await waterfall.locator('.span-row .span-head').first().click();
    await waterfall.locator('table.attributes').getByText('http.route').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, `dashboard-${topology}.png`), fullPage: true });
    await page.screenshot({ path: join(ARTIFACTS, `dashboard-${topology}-top.png`), fullPage: true, clip: { x: 0, y: 0, width: 1440, height: 1600 } });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(ARTIFACTS, `dashboard-${topology}-phone.png`) });
    await page.setViewportSize({ width: 1440, height: 1000 });
  });

  if (topology === 'split') {
    it('greys out an instance killed with kill -9', async () => {
      const extra = await system.startInstance('catalog');
      const row = page.locator(`tr[data-instance="${extra.instanceId}"]`);
      await row.and(page.locator('[data-state=live]')).waitFor();
      await system.kill(extra, 'SIGKILL');
      await row.and(page.locator('[data-state=gone]')).waitFor({ timeout: 15_000 });
      expect(await row.evaluate((r) => (globalThis as unknown as BrowserWindow).getComputedStyle(r).opacity)).not.toBe('1');
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard-split-killed.png'), fullPage: true });
    });
  }

  it('asks nothing of any origin but the gateway', () => {
    const origin = new URL(url).origin;
    expect(requested.length).toBeGreaterThan(0);
    expect(requested.filter((r) => new URL(r).origin !== origin)).toEqual([]);
  });
}

describeInBrowser('dashboard in Chromium: monolith', () => dashboardJourney('monolith'));
describeInBrowser('dashboard in Chromium: split', () => dashboardJourney('split'));
