import { request as httpRequest, IncomingMessage } from 'node:http';
import request from 'supertest';
import { CleaveSystem } from '../support/system';
import { eventually } from '../support/eventually';
import { adminToken, createProduct, registerAndLogin, Shopper } from './shop.flows';

interface Notification {
  id: string;
  userId: string;
  kind: string;
  message: string;
  read: boolean;
  seq: number;
}

interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

/** An open `text/event-stream` response, read with node:http, parsed by the `id:`/`event:`/`data:` lines. */
interface EventStream {
  status: number;
  contentType: string;
  events: SseEvent[];
  /** The body, for an answer that is not a stream. */
  body: string;
  close(): void;
}

function openStream(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<EventStream> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, baseUrl), { headers: { Accept: 'text/event-stream', ...headers } }, (res: IncomingMessage) => {
      const stream: EventStream = { status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), events: [], body: '', close: () => req.destroy() };
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        stream.body += chunk;
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event: SseEvent = { data: '' };
          const data: string[] = [];
          for (const line of block.split('\n')) {
            const colon = line.indexOf(':');
            if (colon === 0 || !line) continue; // a comment, or the blank line after the headers
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'id') event.id = value;
            if (field === 'event') event.event = value;
            if (field === 'data') data.push(value);
          }
          if (data.length) stream.events.push({ ...event, data: data.join('\n') });
        }
      });
      res.on('error', () => undefined);
      if (stream.contentType.startsWith('text/event-stream')) resolve(stream);
      else res.on('end', () => resolve(stream));
    });
    req.on('error', (error) => reject(error));
    req.end();
  });
}

function notificationsOf(stream: EventStream): Notification[] {
  return stream.events.map((e) => {
    expect(e.event).toBe('notification');
    const notification = JSON.parse(e.data) as Notification;
    expect(e.id).toBe(String(notification.seq));
    return notification;
  });
}

async function waitForEvents(stream: EventStream, count: number): Promise<Notification[]> {
  return eventually(async () => {
    if (stream.events.length < count) throw new Error(`${stream.events.length} of ${count} events so far: ${stream.body}`);
    return notificationsOf(stream);
  });
}

async function notifications(url: string, shopper: Shopper, query = ''): Promise<Notification[]> {
  return (await request(url).get(`/notifications${query}`).set('Authorization', `Bearer ${shopper.token}`).expect(200)).body;
}

async function welcomeOf(url: string, shopper: Shopper): Promise<Notification> {
  return eventually(async () => {
    const welcome = (await notifications(url, shopper)).find((n) => n.kind === 'welcome');
    if (!welcome) throw new Error(`no welcome for ${shopper.email} yet`);
    return welcome;
  });
}

/**
 * Profiles, roles and notifications, asserted identically whichever topology runs them.
 */
export function peopleFlows(system: () => CleaveSystem): void {
  let url: string;
  let admin: string;
  const streams: EventStream[] = [];
  const auth = (shopper: Shopper | string) => ({ Authorization: `Bearer ${typeof shopper === 'string' ? shopper : shopper.token}` });
  const track = (stream: EventStream) => (streams.push(stream), stream);

  beforeAll(async () => {
    url = system().gatewayUrl;
    admin = await adminToken(url);
  });

  afterAll(() => streams.forEach((s) => s.close()));

  describe('profiles', () => {
    it('registers with a name, or the email local part, and updates it', async () => {
      const email = `named-${Date.now()}@example.com`;
      const registered = await request(url).post('/auth/register').send({ email, password: 'long-enough-pw', name: 'Ada Lovelace' }).expect(201);
      expect(registered.body).toEqual({ email, name: 'Ada Lovelace' });
      const ada = (await request(url).post('/auth/login').send({ email, password: 'long-enough-pw' }).expect(200)).body.user;
      expect(ada).toMatchObject({ email, name: 'Ada Lovelace', role: 'customer' });
      expect(ada.updatedAt).toBe(ada.createdAt);

      const shopper = await registerAndLogin(url, 'profile');
      const me = await request(url).get('/users/me').set(auth(shopper)).expect(200);
      expect(me.body).toMatchObject({ id: shopper.id, email: shopper.email, name: shopper.email.split('@')[0] });
      const updated = await request(url).patch('/users/me').set(auth(shopper)).send({ name: '  Grace  ' }).expect(200);
      expect(updated.body).toMatchObject({ id: shopper.id, name: 'Grace', email: shopper.email });
      expect(JSON.stringify(updated.body)).not.toMatch(/password|hash/i);
      expect((await request(url).get('/users/me').set(auth(shopper)).expect(200)).body.name).toBe('Grace');
      await request(url).patch('/users/me').set(auth(shopper)).send({ name: '   ' }).expect(400);
      await request(url).patch('/users/me').set(auth(shopper)).send({ role: 'admin' }).expect(400);
      await request(url).patch('/users/me').send({ name: 'Nobody' }).expect(401);
    });

    it('changes the email; one taken by someone else is answered alike, not applied, and its owner told', async () => {
      const shopper = await registerAndLogin(url, 'mover');
      const other = await registerAndLogin(url, 'taken');
      const claimed = await request(url).patch('/users/me').set(auth(shopper)).send({ email: other.email.toUpperCase() }).expect(200);
      expect(claimed.body).toMatchObject({ id: shopper.id, email: other.email });
      await request(url).post('/auth/login').send({ email: other.email, password: 'correct-horse-battery' }).expect(200).expect((res) => expect(res.body.user.id).toBe(other.id));
      await eventually(async () => expect((await notifications(url, other)).map((n) => n.kind)).toContain('address-claimed'));
      const email = `Moved-${Date.now()}@Example.com`;
      const moved = await request(url).patch('/users/me').set(auth(shopper)).send({ email }).expect(200);
      expect(moved.body.email).toBe(email.toLowerCase());
      await request(url).post('/auth/login').send({ email, password: 'correct-horse-battery' }).expect(200);
      await request(url).post('/auth/login').send({ email: shopper.email, password: 'correct-horse-battery' }).expect(401);
    });

    it('changes the password only with the current one', async () => {
      const shopper = await registerAndLogin(url, 'rekey');
      await request(url).patch('/users/me').set(auth(shopper)).send({ password: 'brand-new-password' }).expect(401);
      await request(url).patch('/users/me').set(auth(shopper)).send({ password: 'brand-new-password', currentPassword: 'not-the-password' }).expect(401);
      await request(url).patch('/users/me').set(auth(shopper)).send({ password: 'short', currentPassword: 'correct-horse-battery' }).expect(400);
      await request(url).patch('/users/me').set(auth(shopper)).send({ password: 'brand-new-password', currentPassword: 'correct-horse-battery' }).expect(200);
      await request(url).post('/auth/login').send({ email: shopper.email, password: 'correct-horse-battery' }).expect(401);
      await request(url).post('/auth/login').send({ email: shopper.email, password: 'brand-new-password' }).expect(200);
    });
  });

  describe('roles', () => {
    it('lets an administrator list users and promote one; customers get 403', async () => {
      const shopper = await registerAndLogin(url, 'promoted');
      await request(url).get('/users').set(auth(shopper)).expect(403);
      await request(url).patch(`/users/${shopper.id}/role`).set(auth(shopper)).send({ role: 'admin' }).expect(403);
      await request(url).get('/users').expect(401);

      const first = await request(url).get('/users?limit=2&offset=0').set(auth(admin)).expect(200);
      expect(first.body).toMatchObject({ limit: 2, offset: 0, total: expect.any(Number) });
      expect(first.body.items).toHaveLength(2);
      const last = await request(url).get(`/users?limit=1&offset=${first.body.total - 1}`).set(auth(admin)).expect(200);
      expect(last.body.items[0]).toMatchObject({ id: shopper.id, email: shopper.email, role: 'customer' });
      expect(JSON.stringify(first.body)).not.toMatch(/password|hash/i);
      await request(url).get('/users?limit=0').set(auth(admin)).expect(400);

      const promoted = await request(url).patch(`/users/${shopper.id}/role`).set(auth(admin)).send({ role: 'admin' }).expect(200);
      expect(promoted.body).toMatchObject({ id: shopper.id, role: 'admin' });
      await request(url).patch(`/users/${shopper.id}/role`).set(auth(admin)).send({ role: 'root' }).expect(400);
      await request(url).patch('/users/00000000-0000-4000-8000-000000000000/role').set(auth(admin)).send({ role: 'admin' }).expect(404);

      // The role is in the token: the old one is refused at once, a refresh carries the new role.
      await request(url).get('/users/me').set(auth(shopper)).expect(401);
      const refreshed = await request(url).post('/auth/refresh').send({ refreshToken: shopper.refreshToken }).expect(200);
      expect(refreshed.body.user).toMatchObject({ id: shopper.id, role: 'admin' });
      await request(url).get('/users').set(auth(refreshed.body.accessToken)).expect(200);
      await request(url).patch(`/users/${shopper.id}/role`).set(auth(admin)).send({ role: 'customer' }).expect(200);
      // A demoted admin's token is refused on its next use, not when it expires.
      await request(url).get('/users').set(auth(refreshed.body.accessToken)).expect(401);
    });
  });

  describe('sessions', () => {
    it('logs in with an access token carrying iss, aud and a version, and a refresh token', async () => {
      const shopper = await registerAndLogin(url, 'session');
      const claims = JSON.parse(Buffer.from(shopper.token.split('.')[1], 'base64url').toString());
      expect(claims).toMatchObject({ sub: shopper.id, role: 'customer', ver: 0, iss: 'cleave', aud: 'cleave-api' });
      expect(claims.exp - claims.iat).toBe(900);
      expect(shopper.refreshToken).toMatch(/^[\w-]{43}$/);
    });

    it('rotates refresh tokens, and a reused one revokes its whole family', async () => {
      const shopper = await registerAndLogin(url, 'rotate');
      const second = (await request(url).post('/auth/refresh').send({ refreshToken: shopper.refreshToken }).expect(200)).body;
      expect(second).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { id: shopper.id }, refreshToken: expect.any(String) });
      expect(second.refreshToken).not.toBe(shopper.refreshToken);
      await request(url).get('/users/me').set(auth(second.accessToken)).expect(200);
      const third = (await request(url).post('/auth/refresh').send({ refreshToken: second.refreshToken }).expect(200)).body;

      const reuse = await request(url).post('/auth/refresh').send({ refreshToken: shopper.refreshToken }).expect(401);
      expect(reuse.body.message).toMatch(/already used/);
      await request(url).post('/auth/refresh').send({ refreshToken: third.refreshToken }).expect(401);
      await request(url).get('/users/me').set(auth(third.accessToken)).expect(401);
      await request(url).post('/auth/refresh').send({ refreshToken: 'not-a-token' }).expect(401);
      await request(url).post('/auth/refresh').send({}).expect(400);
    });

    it('logs out: that token and the session are refused at once, a new login works', async () => {
      const shopper = await registerAndLogin(url, 'logout');
      await request(url).post('/auth/logout').send({ refreshToken: shopper.refreshToken }).expect(401);
      await request(url).post('/auth/logout').set(auth(shopper)).send({ refreshToken: shopper.refreshToken }).expect(204);
      await request(url).get('/users/me').set(auth(shopper)).expect(401);
      await request(url).post('/auth/refresh').send({ refreshToken: shopper.refreshToken }).expect(401);
      const again = await request(url).post('/auth/login').send({ email: shopper.email, password: 'correct-horse-battery' }).expect(200);
      await request(url).get('/users/me').set(auth(again.body.accessToken)).expect(200);
    });

    it('signs out everywhere on a password change', async () => {
      const shopper = await registerAndLogin(url, 'repass');
      await request(url).patch('/users/me').set(auth(shopper)).send({ password: 'a-whole-new-password', currentPassword: 'correct-horse-battery' }).expect(200);
      await request(url).get('/users/me').set(auth(shopper)).expect(401);
      await request(url).post('/auth/refresh').send({ refreshToken: shopper.refreshToken }).expect(401);
      const again = await request(url).post('/auth/login').send({ email: shopper.email, password: 'a-whole-new-password' }).expect(200);
      await request(url).get('/users/me').set(auth(again.body.accessToken)).expect(200);
    });
  });

  describe('notifications', () => {
    it('welcomes a new user, and marks notifications read', async () => {
      const shopper = await registerAndLogin(url, 'welcomed');
      const welcome = await welcomeOf(url, shopper);
      expect(welcome).toMatchObject({ userId: shopper.id, kind: 'welcome', read: false, seq: expect.any(Number) });
      expect(welcome.message).toContain(shopper.email.split('@')[0]);
      expect(await notifications(url, shopper, '?unread=true')).toHaveLength(1);

      const other = await registerAndLogin(url, 'other');
      const othersWelcome = await welcomeOf(url, other);
      const marked = await request(url).post('/notifications/read').set(auth(shopper)).send({ ids: [welcome.id, othersWelcome.id] }).expect(200);
      expect(marked.body).toEqual({ updated: 1 });
      expect(await notifications(url, shopper, '?unread=true')).toEqual([]);
      expect((await notifications(url, shopper))[0]).toMatchObject({ id: welcome.id, read: true });
      expect((await notifications(url, other, '?unread=true')).map((n) => n.id)).toEqual([othersWelcome.id]);

      expect((await request(url).post('/notifications/read').set(auth(other)).send({}).expect(200)).body).toEqual({ updated: 1 });
      await request(url).post('/notifications/read').set(auth(other)).send({ ids: 'all' }).expect(400);
      await request(url).get('/notifications?unread=maybe').set(auth(other)).expect(400);
      await request(url).get('/notifications').expect(401);
    });

    it('refuses the stream without a valid token with a JSON 401', async () => {
      for (const path of ['/notifications/stream', '/notifications/stream?access_token=not-a-token']) {
        const stream = track(await openStream(url, path));
        expect(stream.status).toBe(401);
        expect(stream.contentType).toMatch(/application\/json/);
        expect(JSON.parse(stream.body)).toMatchObject({ statusCode: 401 });
      }
      const shopper = await registerAndLogin(url, 'badresume');
      const bad = track(await openStream(url, '/notifications/stream', { ...auth(shopper), 'Last-Event-ID': 'yesterday' }));
      expect(bad.status).toBe(400);
      expect(JSON.parse(bad.body)).toMatchObject({ statusCode: 400 });
    });

    it('streams what was recorded after Last-Event-ID, or ?after= with the token in the query', async () => {
      const shopper = await registerAndLogin(url, 'catchup');
      const welcome = await welcomeOf(url, shopper);

      const resumed = track(await openStream(url, '/notifications/stream', { ...auth(shopper), 'Last-Event-ID': String(welcome.seq - 1) }));
      expect(resumed.status).toBe(200);
      expect(resumed.contentType).toMatch(/text\/event-stream/);
      expect(await waitForEvents(resumed, 1)).toEqual([welcome]);

      const browser = track(await openStream(url, `/notifications/stream?after=${welcome.seq - 1}&access_token=${shopper.token}`));
      expect(await waitForEvents(browser, 1)).toEqual([welcome]);

      // The header wins over the query, as a reconnecting EventSource sends both.
      const upToDate = track(await openStream(url, `/notifications/stream?after=0&access_token=${shopper.token}`, { 'Last-Event-ID': String(welcome.seq) }));
      expect(upToDate.status).toBe(200);
      expect((await notifications(url, shopper)).length).toBe(1);
      expect(upToDate.events).toEqual([]);
    });

    it('delivers the welcome exactly once to a stream opened right after registering, recorded before or after it opened', async () => {
      const shopper = await registerAndLogin(url, 'early');
      const stream = track(await openStream(url, '/notifications/stream?after=0', auth(shopper)));
      const [welcome] = await waitForEvents(stream, 1);
      expect(welcome).toMatchObject({ userId: shopper.id, kind: 'welcome' });
      expect(await notifications(url, shopper)).toEqual([welcome]);
      expect(stream.events).toHaveLength(1);
    });

    it('pushes a notification recorded while the stream is open, in seq order, without repeats', async () => {
      const shopper = await registerAndLogin(url, 'live');
      const welcome = await welcomeOf(url, shopper);
      const stream = track(await openStream(url, '/notifications/stream', auth(shopper)));
      const other = track(await openStream(url, `/notifications/stream?access_token=${(await registerAndLogin(url, 'bystander')).token}`));
      expect(stream.status).toBe(200);

      // Checking out makes orders (and payments) tell the shopper, while the stream is open.
      const product = await createProduct(url, admin, { stock: 5 });
      await request(url).post('/orders').set(auth(shopper)).send({ items: [{ productId: product.id, quantity: 1 }] }).expect(201);
      const live = await waitForEvents(stream, 1);
      expect(live[0]).toMatchObject({ userId: shopper.id });
      expect(live[0].seq).toBeGreaterThan(welcome.seq);
      const recorded = await eventually(async () => {
        const all = await notifications(url, shopper);
        const streamed = notificationsOf(stream);
        expect(streamed.map((n) => n.id)).toEqual(all.filter((n) => n.seq > welcome.seq).reverse().map((n) => n.id));
        return all;
      });
      const seqs = notificationsOf(stream).map((n) => n.seq);
      expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
      expect(recorded.length).toBeGreaterThan(1);
      expect(other.events.filter((e) => e.data.includes(shopper.id))).toEqual([]);
    });
  });
}
