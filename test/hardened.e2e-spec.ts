import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { CleaveSystem } from './support/system';
import { ROOT } from './support/system-env';
import { eventually } from './support/eventually';
import { adminToken, createProduct, placeOrder, registerAndLogin } from './flows/shop.flows';

/** The uid the processes run as: nobody, unprivileged like the image's user. */
const NOBODY = 65534;

/**
 * Each process in a mount namespace of its own where the whole filesystem is read-only but
 * a fresh tmpfs on /tmp (what the Kubernetes manifests give it: readOnlyRootFilesystem and an
 * emptyDir), as an unprivileged user: `unshare -m`, then `setpriv`. The process keeps its
 * pid through every exec, so signals reach it as they would in a container.
 */
function hardened(asNobody: boolean): (argv: string[]) => string[] {
  const user = asNobody ? `setpriv --reuid=${NOBODY} --regid=${NOBODY} --clear-groups ` : '';
  // A checkout under /tmp (a clone made with mktemp) would vanish under the fresh tmpfs: it is
  // held on /mnt first and bound back, read-only, at its own path.
  const underTmp = ROOT.startsWith('/tmp/');
  const keep = underTmp ? `mount --bind ${ROOT} /mnt && ` : '';
  const restore = underTmp ? ` && mkdir -p ${ROOT} && mount --bind /mnt ${ROOT} && mount -o remount,bind,ro ${ROOT}` : '';
  const script = `mount --make-rprivate / && mount --bind / / && mount -o remount,bind,ro / && ${keep}mount -t tmpfs -o size=64m tmpfs /tmp${restore} && exec ${user}"$0" "$@"`;
  return (argv) => ['unshare', '-m', '--', 'sh', '-c', script, ...argv];
}

function canEmulate(): string | undefined {
  if (process.getuid?.() !== 0) return 'these tests need root, to make a read-only mount namespace (unshare -m) and to drop to an unprivileged user';
  if (spawnSync('unshare', ['-m', 'true']).status !== 0) return 'unshare -m fails here: no mount namespaces (util-linux unshare and CAP_SYS_ADMIN are needed)';
  return undefined;
}

/** Whether nobody can read the build (a checkout under a private directory cannot be). */
function nobodyCanRead(): boolean {
  return spawnSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, '-e', `require('fs').accessSync(${JSON.stringify(`${ROOT}/dist/apps/gateway/src/main.js`)})`]).status === 0;
}

describe('hardened: the split system on a read-only filesystem, as an unprivileged user', () => {
  let system: CleaveSystem;
  let asNobody: boolean;

  beforeAll(async () => {
    const missing = canEmulate();
    if (missing) throw new Error(missing);
    asNobody = nobodyCanRead();
    if (!asNobody) console.warn(`hardened e2e: uid ${NOBODY} cannot read ${ROOT}; the processes run as root, on the read-only filesystem still`);
    system = await CleaveSystem.start('shop-and-notifications', { launcher: hardened(asNobody) });
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('cannot write outside /tmp there', () => {
    const [command, ...args] = hardened(asNobody)([process.execPath, '-e', `
      const fs = require('fs');
      try { fs.writeFileSync(${JSON.stringify(`${ROOT}/.write-check`)}, 'x'); console.log('wrote'); } catch (e) { console.log(e.code); }
      fs.writeFileSync('/tmp/write-check', 'x'); console.log('tmp ok', process.getuid());`]);
    expect(execFileSync(command, args, { encoding: 'utf8' }).trim().split('\n')).toEqual(['EROFS', `tmp ok ${asNobody ? NOBODY : 0}`]);
  });

  it('runs every process unprivileged, ready, and carries a checkout through to its notification', async () => {
    for (const name of system.processNames()) {
      for (const instance of system.instancesOf(name)) {
        await eventually(async () => request(instance.url).get('/health/ready').expect(200), 30_000);
        const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${instance.child.pid}/status`, 'utf8'))?.[1];
        if (asNobody) expect({ name, uid: Number(uid) }).toEqual({ name, uid: NOBODY });
      }
    }
    const url = system.gatewayUrl;
    const shopper = await registerAndLogin(url);
    const product = await createProduct(url, await adminToken(url));
    const order = (await placeOrder(url, shopper, product.id, 1).expect(201)).body;
    expect(order.status).toBe('CONFIRMED');
    await eventually(async () => {
      const res = await request(url).get('/notifications').set('Authorization', `Bearer ${shopper.token}`).expect(200);
      expect(res.body.some((n: { message: string }) => n.message.includes(order.id))).toBe(true);
    }, 30_000);
  });
});
