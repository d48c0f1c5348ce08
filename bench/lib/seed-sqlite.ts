import { randomUUID } from 'node:crypto';
import { isMainThread, Worker, workerData } from 'node:worker_threads';
import { searchDocument } from '../../libs/domains/catalog/search-words';
import { openSqlite } from './sqlite';

/** Seeding straight into a module's SQLite file: a million products in seconds, not hours through the API. */
export interface SeedTask {
  kind: 'products' | 'orders';
  file: string;
  count: number;
}

/** Categories the generated products spread over: a category page grows with the catalog. */
const CATEGORIES = 100;
/** Products that carry the searched word, in every size: a search's work should follow its matches, not the catalog. */
const SEARCH_MATCHES = 50;
export const SEARCHED = 'lantern';
/** Words the other products are named from, so the index has many distinct terms. */
const VOCABULARY = ['steel', 'oak', 'linen', 'brass', 'glass', 'wool', 'copper', 'clay', 'cotton', 'maple', 'slate', 'cedar'];
const KINDS = ['mug', 'chair', 'lamp', 'rug', 'bowl', 'shelf', 'vase', 'desk', 'stool', 'jar', 'tray', 'clock'];

/** Runs a seed in a worker thread, leaving the caller's event loop free. */
export function seedInWorker(task: SeedTask): Promise<void> {
  if (task.count <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const worker = new Worker(__filename, { workerData: task });
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`seeding ${task.kind} exited with ${code}`))));
  });
}

/**
 * `count` products in one transaction per 50k, as the catalog writes them (folded name and
 * description, search words); the full-text index follows through its triggers. The app
 * is idle meanwhile and its own connection reads the new rows at its next query.
 */
function seedProducts(file: string, count: number): void {
  const db = openSqlite(file);
  // A benchmark's throwaway database: no fsync per commit, a bigger page cache.
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const insert = db.prepare(
    `INSERT INTO products (id, name, description, category, price_cents, currency, stock, active, name_folded, description_folded, search_text, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 'USD', 1000, 1, ?, ?, ?, ?, ?)`,
  );
  const every = Math.floor(count / SEARCH_MATCHES);
  const start = Date.parse('2026-01-01T00:00:00.000Z');
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const word = VOCABULARY[i % VOCABULARY.length];
      const kind = KINDS[Math.floor(i / VOCABULARY.length) % KINDS.length];
      const name = i % every === 0 && i / every < SEARCH_MATCHES ? `${word} ${SEARCHED} ${i}` : `${word} ${kind} ${i}`;
      const description = `A ${word} ${kind}, model ${i.toString(36)}`;
      const at = new Date(start + i * 1000).toISOString();
      insert.run(randomUUID(), name, description, `cat-${String(i % CATEGORIES).padStart(2, '0')}`, 100 + (i % 50_000), name.toLowerCase(), description.toLowerCase(), searchDocument(name, description), at, at);
    }
  });
  for (let from = 0; from < count; from += 50_000) batch(from, Math.min(count, from + 50_000));
  db.close();
}

/** `count` copies of the customer's one order, each with its own id, key and time. */
function seedOrders(file: string, count: number): void {
  const db = openSqlite(file);
  const columns = (db.prepare('PRAGMA table_info(orders)').all() as { name: string }[]).map((c) => c.name);
  const original = db.prepare('SELECT * FROM orders LIMIT 1').get() as Record<string, unknown>;
  const insert = db.prepare(`INSERT INTO orders (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
  const start = Date.parse('2026-01-01T00:00:00.000Z');
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const at = new Date(start + i * 1000).toISOString();
      const copy: Record<string, unknown> = { ...original, id: randomUUID(), idempotency_key: `scale-seed-${i}`, created_at: at, updated_at: at };
      insert.run(...columns.map((c) => copy[c]));
    }
  })();
  db.close();
}

if (!isMainThread) {
  const task = workerData as SeedTask;
  if (task.kind === 'products') seedProducts(task.file, task.count);
  else seedOrders(task.file, task.count);
}
