import request from 'supertest';
import { CleaveSystem } from '../support/system';
import { eventually } from '../support/eventually';
import { adminToken, createProduct, registerAndLogin } from './shop.flows';

/**
 * Events survive a dead consumer, in any topology with several processes and whatever Redis
 * it runs on: delivered after the subscriber comes back, and taken over from a killed instance.
 */
export function eventFlows(system: () => CleaveSystem): void {
  it('delivers events sent while the subscriber was down once it is back', async () => {
    const url = system().gatewayUrl;
    const admin = await adminToken(url);
    const shopper = await registerAndLogin(url);
    const product = await createProduct(url, admin, { stock: 10 });
    await system().stopProcess('notifications');

    const orders: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await request(url).post('/orders').set('Authorization', `Bearer ${shopper.token}`).send({ items: [{ productId: product.id, quantity: 1 }] }).expect(201);
      orders.push(res.body.id);
    }

    await system().startInstance('notifications');
    const notified = await eventually(async () => {
      const res = await request(url).get('/notifications').set('Authorization', `Bearer ${shopper.token}`).expect(200);
      const about = (res.body as { kind: string; message: string }[]).filter((n) => n.kind === 'order.confirmed');
      if (about.length < orders.length) throw new Error(`only ${about.length} of ${orders.length} notifications so far`);
      return about;
    });
    expect(notified).toHaveLength(orders.length);
    for (const id of orders) expect(notified.some((n) => n.message.includes(id))).toBe(true);
  });

  it('redelivers the events of a killed instance to another one', async () => {
    const url = system().gatewayUrl;
    const admin = await adminToken(url);
    const shopper = await registerAndLogin(url);
    const product = await createProduct(url, admin);
    await system().stopProcess('notifications');
    // This instance takes the event, then sits on it unacknowledged until it is killed.
    const doomed = await system().startInstance('notifications', { CLEAVE_FAULT_DELAY_MS: 'order.confirmed=600000' });

    const order = await request(url).post('/orders').set('Authorization', `Bearer ${shopper.token}`).send({ items: [{ productId: product.id, quantity: 1 }] }).expect(201);
    const stream = system().keys.events('order.confirmed');
    await eventually(async () => {
      const pending = (await system().redis().xpending(stream, 'notifications', '-', '+', 10, doomed.instanceId)) as unknown[];
      if (pending.length !== 1) throw new Error(`${doomed.instanceId} holds ${pending.length} events`);
    });

    await system().kill(doomed, 'SIGKILL');
    await system().startInstance('notifications');
    await eventually(async () => {
      const res = await request(url).get('/notifications').set('Authorization', `Bearer ${shopper.token}`).expect(200);
      if (!res.body.some((n: { message: string }) => n.message.includes(order.body.id))) throw new Error('not redelivered yet');
    });
    // Whatever else the dead instance held is claimed and acknowledged too.
    await eventually(async () => expect(((await system().redis().xpending(stream, 'notifications')) as [number, ...unknown[]])[0]).toBe(0));
  });
}
