import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CatalogClient, ProductView } from '@cleave/contracts/catalog/catalog.contract';
import { ConflictError, NotFoundError, PaymentDeclinedError, ValidationError } from '@cleave/contracts/kernel/errors';
import { OrdersClient, OrderView, PlaceOrder } from '@cleave/contracts/orders/orders.contract';
import { WriteQueue } from '@cleave/platform/database';
import { CartItem } from './cart-item.entity';
import { CreateCart1767000000006 } from './migrations/1767000000006-create-cart';
import { CartService } from './cart.service';
import { CheckoutService } from './checkout.service';

const ADA = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const BOB = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const WIDGET = '11111111-1111-4111-8111-111111111111';
const GADGET = '22222222-2222-4222-8222-222222222222';
const EURO = '33333333-3333-4333-8333-333333333333';
const RETIRED = '44444444-4444-4444-8444-444444444444';
const MISSING = '00000000-0000-4000-8000-000000000000';

function product(id: string, name: string, priceCents: number, overrides: Partial<ProductView> = {}): ProductView {
  const at = new Date(0).toISOString();
  return { id, name, description: '', category: 'general', priceCents, currency: 'USD', active: true, stock: 10, createdAt: at, updatedAt: at, ...overrides };
}

const notUsed = async (): Promise<never> => {
  throw new Error('not used by cart');
};

/** Catalog as cart sees it: products by id, counting the bulk reads. */
class FakeCatalog implements CatalogClient {
  readonly products = new Map<string, ProductView>();
  bulkReads = 0;

  constructor(products: ProductView[]) {
    for (const p of products) this.products.set(p.id, p);
  }

  async getProduct({ id }: { id: string }): Promise<ProductView> {
    const found = this.products.get(id);
    if (!found) throw new NotFoundError(`Product ${id} not found`);
    return { ...found };
  }
  async getProducts({ ids }: { ids: string[] }): Promise<ProductView[]> {
    this.bulkReads++;
    return ids.filter((id) => this.products.has(id)).map((id) => ({ ...this.products.get(id)! }));
  }
  createProduct = notUsed;
  updateProduct = notUsed;
  adjustStock = notUsed;
  listProducts = notUsed;
  reserveStock = notUsed;
  commitReservation = notUsed;
  releaseReservation = notUsed;
}

/** Orders as cart sees it: records each placeOrder and answers a confirmed order, or refuses. */
class FakeOrders implements OrdersClient {
  readonly placed: PlaceOrder[] = [];
  refuse?: Error;
  /** Runs while the order is being placed: what the customer does meanwhile. */
  during?: () => Promise<unknown>;
  /** Answers a repeated idempotency key with the first order, as orders does. */
  private readonly byKey = new Map<string, OrderView>();

  async placeOrder(request: PlaceOrder): Promise<OrderView> {
    this.placed.push(request);
    await this.during?.();
    if (this.refuse) throw this.refuse;
    const first = request.idempotencyKey ? this.byKey.get(request.idempotencyKey) : undefined;
    if (first) return first;
    if (request.items.length === 0) throw new ValidationError('An order needs at least one item');
    const at = new Date().toISOString();
    const order: OrderView = {
      id: `order-${this.placed.length}`,
      userId: request.userId,
      status: 'CONFIRMED',
      items: request.items.map((i) => ({ productId: i.productId, name: '', quantity: i.quantity, unitPriceCents: 100 })),
      totalCents: 100,
      currency: 'USD',
      createdAt: at,
      updatedAt: at,
    };
    if (request.idempotencyKey) this.byKey.set(request.idempotencyKey, order);
    return order;
  }
  getOrder = notUsed;
  listOrders = notUsed;
  cancelOrder = notUsed;
  setStatus = notUsed;
}

describe('CartService', () => {
  let dataSource: DataSource;
  let catalog: FakeCatalog;
  let orders: FakeOrders;
  let cart: CartService;
  let checkout: CheckoutService;

  beforeEach(async () => {
    dataSource = new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: [CartItem], migrations: [CreateCart1767000000006], migrationsRun: true });
    await dataSource.initialize();
    catalog = new FakeCatalog([
      product(WIDGET, 'Widget', 1250),
      product(GADGET, 'Gadget', 299, { stock: 3 }),
      product(EURO, 'Euro thing', 100, { currency: 'EUR' }),
      product(RETIRED, 'Retired', 500, { active: false }),
    ]);
    orders = new FakeOrders();
    cart = new CartService(dataSource.getRepository(CartItem), new WriteQueue(dataSource), catalog);
    checkout = new CheckoutService(cart, orders);
  });

  afterEach(() => dataSource.destroy());

  const add = (productId: string, quantity: number, userId = ADA) => cart.addItem({ userId, productId, quantity });
  const stored = async (userId = ADA) =>
    (await dataSource.getRepository(CartItem).find({ where: { userId }, order: { productId: 'ASC' } })).map(({ productId, quantity }) => ({ productId, quantity }));

  describe('items', () => {
    it('prices the cart from the catalog as it is now, in one catalog call', async () => {
      await add(WIDGET, 2);
      await add(GADGET, 1);
      catalog.products.get(WIDGET)!.priceCents = 1500;
      catalog.bulkReads = 0;
      const view = await cart.getCart({ userId: ADA });
      expect(catalog.bulkReads).toBe(1);
      expect(view).toEqual({
        userId: ADA,
        items: [
          { productId: WIDGET, name: 'Widget', quantity: 2, unitPriceCents: 1500, currency: 'USD', lineTotalCents: 3000, available: true, inStock: 10 },
          { productId: GADGET, name: 'Gadget', quantity: 1, unitPriceCents: 299, currency: 'USD', lineTotalCents: 299, available: true, inStock: 3 },
        ],
        totalCents: 3299,
        currency: 'USD',
        checkoutReady: true,
      });
    });

    it('shows an empty cart without a currency, not ready, and without asking the catalog', async () => {
      await expect(cart.getCart({ userId: ADA })).resolves.toEqual({ userId: ADA, items: [], totalCents: 0, checkoutReady: false });
      expect(catalog.bulkReads).toBe(0);
    });

    it('adds to the quantity already in the cart', async () => {
      await add(WIDGET, 2);
      const view = await add(WIDGET, 3);
      expect(view.items).toEqual([expect.objectContaining({ productId: WIDGET, quantity: 5, lineTotalCents: 6250 })]);
    });

    it('marks a line unavailable when stock is short, the product inactive or gone', async () => {
      await add(GADGET, 3);
      await add(WIDGET, 1);
      await add(EURO, 1);
      await cart.removeItem({ userId: ADA, productId: EURO });
      catalog.products.get(GADGET)!.stock = 2;
      let view = await cart.getCart({ userId: ADA });
      expect(view.items[0]).toMatchObject({ productId: GADGET, available: false, inStock: 2 });
      expect(view.items[1]).toMatchObject({ productId: WIDGET, available: true });
      expect(view.checkoutReady).toBe(false);

      catalog.products.get(GADGET)!.stock = 3;
      catalog.products.get(WIDGET)!.active = false;
      view = await cart.getCart({ userId: ADA });
      expect(view.items.map((i) => i.available)).toEqual([true, false]);

      catalog.products.delete(WIDGET);
      view = await cart.getCart({ userId: ADA });
      expect(view.items[1]).toEqual({ productId: WIDGET, name: '', quantity: 1, unitPriceCents: 0, currency: '', lineTotalCents: 0, available: false, inStock: 0 });
      expect(view).toMatchObject({ totalCents: 3 * 299, currency: 'USD', checkoutReady: false });
    });

    it('is not ready for checkout with two currencies, and totals the first one', async () => {
      await add(WIDGET, 1);
      const view = await add(EURO, 2);
      expect(view).toMatchObject({ currency: 'USD', totalCents: 1250, checkoutReady: false });
    });

    it('refuses an unknown product with 404 and an inactive one with 409', async () => {
      await expect(add(MISSING, 1)).rejects.toBeInstanceOf(NotFoundError);
      const inactive = await add(RETIRED, 1).catch((e: unknown) => e);
      expect(inactive).toBeInstanceOf(ConflictError);
      expect(inactive).toMatchObject({ message: 'Product Retired is not available' });
      await expect(cart.setItem({ userId: ADA, productId: RETIRED, quantity: 2 })).rejects.toBeInstanceOf(ConflictError);
      expect(await stored()).toEqual([]);
    });

    it.each([
      ['zero', 0],
      ['a negative quantity', -1],
      ['a fraction', 1.5],
      ['a string', '2'],
      ['more than 1000', 1001],
    ])('refuses to add %s with 422', async (_, quantity) => {
      await expect(add(WIDGET, quantity as number)).rejects.toBeInstanceOf(ValidationError);
    });

    it('refuses a line beyond 1000 units in all, and keeps it as it was', async () => {
      await add(WIDGET, 600);
      await expect(add(WIDGET, 401)).rejects.toMatchObject({ status: 422, message: expect.stringMatching(/at most 1000/) });
      await add(WIDGET, 400);
      expect(await stored()).toEqual([{ productId: WIDGET, quantity: 1000 }]);
    });

    it('never loses units to concurrent adds', async () => {
      await Promise.all(Array.from({ length: 10 }, () => add(WIDGET, 1)));
      expect(await stored()).toEqual([{ productId: WIDGET, quantity: 10 }]);
    });

    it('sets a quantity, refuses a line not in the cart with 404, and removes at 0', async () => {
      await add(WIDGET, 5);
      expect((await cart.setItem({ userId: ADA, productId: WIDGET, quantity: 2 })).items).toEqual([expect.objectContaining({ productId: WIDGET, quantity: 2 })]);
      await expect(cart.setItem({ userId: ADA, productId: GADGET, quantity: 1 })).rejects.toBeInstanceOf(NotFoundError);
      await add(GADGET, 3);
      await cart.setItem({ userId: ADA, productId: GADGET, quantity: 1 });
      expect(await stored()).toEqual([{ productId: WIDGET, quantity: 2 }, { productId: GADGET, quantity: 1 }]);
      const view = await cart.setItem({ userId: ADA, productId: WIDGET, quantity: 0 });
      expect(view.items.map((i) => i.productId)).toEqual([GADGET]);
      await expect(cart.setItem({ userId: ADA, productId: WIDGET, quantity: 1001 })).rejects.toBeInstanceOf(ValidationError);
      await expect(cart.setItem({ userId: ADA, productId: MISSING, quantity: 1 })).rejects.toBeInstanceOf(NotFoundError);
    });

    it('removes a line (idempotently) and clears one user cart only', async () => {
      await add(WIDGET, 1);
      await add(GADGET, 1);
      await add(WIDGET, 4, BOB);
      expect((await cart.removeItem({ userId: ADA, productId: WIDGET })).items.map((i) => i.productId)).toEqual([GADGET]);
      await expect(cart.removeItem({ userId: ADA, productId: WIDGET })).resolves.toMatchObject({ items: [expect.objectContaining({ productId: GADGET })] });
      await expect(cart.clearCart({ userId: ADA })).resolves.toEqual({ userId: ADA, items: [], totalCents: 0, checkoutReady: false });
      expect(await stored()).toEqual([]);
      expect(await stored(BOB)).toEqual([{ productId: WIDGET, quantity: 4 }]);
    });

    it('refuses malformed ids with 422', async () => {
      await expect(cart.getCart({ userId: '' })).rejects.toBeInstanceOf(ValidationError);
      await expect(add('not an id', 1)).rejects.toBeInstanceOf(ValidationError);
    });
  });

  describe('checkout', () => {
    it('places an order for the cart with the key and payment method, and empties it', async () => {
      await add(WIDGET, 2);
      await add(GADGET, 1);
      const order = await checkout.checkout({ userId: ADA, idempotencyKey: 'key-1', paymentMethod: 'pm_card_ok' });
      expect(order).toMatchObject({ id: 'order-1', status: 'CONFIRMED' });
      expect(orders.placed).toEqual([
        { userId: ADA, items: [{ productId: WIDGET, quantity: 2 }, { productId: GADGET, quantity: 1 }], idempotencyKey: 'key-1', paymentMethod: 'pm_card_ok' },
      ]);
      expect(await stored()).toEqual([]);
    });

    it('sends neither key nor method when the customer gave none', async () => {
      await add(WIDGET, 1);
      await checkout.checkout({ userId: ADA });
      expect(orders.placed).toEqual([{ userId: ADA, items: [{ productId: WIDGET, quantity: 1 }] }]);
    });

    it('takes out only what was ordered: lines and units added meanwhile stay', async () => {
      await add(WIDGET, 2);
      orders.during = async () => {
        await add(GADGET, 1);
        await add(WIDGET, 3);
      };
      await checkout.checkout({ userId: ADA });
      expect(orders.placed[0].items).toEqual([{ productId: WIDGET, quantity: 2 }]);
      expect(await stored()).toEqual([{ productId: WIDGET, quantity: 3 }, { productId: GADGET, quantity: 1 }]);
    });

    it.each([
      ['stock is short', new ConflictError('Not enough stock for Widget: 1 left, 2 requested')],
      ['the payment is declined', new PaymentDeclinedError('Payment declined: card declined')],
      ['a product is gone', new NotFoundError(`Product ${WIDGET} not found`)],
    ])('passes the error on unchanged and keeps the cart when %s', async (_, error) => {
      await add(WIDGET, 2);
      orders.refuse = error;
      await expect(checkout.checkout({ userId: ADA })).rejects.toBe(error);
      expect(await stored()).toEqual([{ productId: WIDGET, quantity: 2 }]);
    });

    it('refuses an empty cart without a key with 422, without calling orders', async () => {
      await expect(checkout.checkout({ userId: ADA })).rejects.toMatchObject({ status: 422, message: expect.stringMatching(/the cart is empty/i) });
      expect(orders.placed).toEqual([]);
    });

    it('with a key, asks orders even for an empty cart: a retry after success gets the same order', async () => {
      await add(WIDGET, 1);
      const first = await checkout.checkout({ userId: ADA, idempotencyKey: 'retry-me' });
      await add(GADGET, 2);
      const again = await checkout.checkout({ userId: ADA, idempotencyKey: 'retry-me' });
      expect(again).toEqual(first);
      // The replayed order holds no gadget: the line added since stays in the cart.
      expect(await stored()).toEqual([{ productId: GADGET, quantity: 2 }]);
      await cart.clearCart({ userId: ADA });
      await expect(checkout.checkout({ userId: ADA, idempotencyKey: 'retry-me' })).resolves.toEqual(first);
      expect(orders.placed.at(-1)).toEqual({ userId: ADA, items: [], idempotencyKey: 'retry-me' });
      await expect(checkout.checkout({ userId: ADA, idempotencyKey: 'never-used' })).rejects.toBeInstanceOf(ValidationError);
    });

    it('refuses a malformed key or payment method with 422', async () => {
      await add(WIDGET, 1);
      await expect(checkout.checkout({ userId: ADA, idempotencyKey: '' })).rejects.toBeInstanceOf(ValidationError);
      await expect(checkout.checkout({ userId: ADA, idempotencyKey: 'x'.repeat(101) })).rejects.toBeInstanceOf(ValidationError);
      await expect(checkout.checkout({ userId: ADA, idempotencyKey: 'tab\there' })).rejects.toBeInstanceOf(ValidationError);
      await expect(checkout.checkout({ userId: ADA, paymentMethod: '' })).rejects.toBeInstanceOf(ValidationError);
      expect(orders.placed).toEqual([]);
    });

    it('answers with the order even when the cart cannot be emptied afterwards', async () => {
      await add(WIDGET, 1);
      const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      jest.spyOn(cart, 'removeOrdered').mockRejectedValueOnce(new Error('disk full'));
      await expect(checkout.checkout({ userId: ADA })).resolves.toMatchObject({ status: 'CONFIRMED' });
      expect(logged).toHaveBeenCalledWith(expect.stringContaining('order-1'));
      logged.mockRestore();
    });
  });
});
