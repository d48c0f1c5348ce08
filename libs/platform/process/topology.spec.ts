import { Topology, TopologyError } from './topology';

const modules = ['users', 'catalog', 'orders'];

describe('Topology.parse', () => {
  it('accepts one process hosting everything', () => {
    const topology = Topology.parse('mono', { processes: { all: { gateway: true, modules } } }, modules);
    expect(topology.isSingleProcess).toBe(true);
    expect(topology.hostOfModule('orders')).toBe('all');
  });

  it('accepts several modules sharing a process', () => {
    const topology = Topology.parse('pairs', { processes: { edge: { gateway: true, modules: ['users'] }, shop: { modules: ['catalog', 'orders'] } } }, modules);
    expect(topology.isSingleProcess).toBe(false);
    expect(topology.hostOfModule('catalog')).toBe('shop');
    expect(topology.process('edge')).toEqual({ gateway: true, modules: ['users'], critical: true });
  });

  it.each([
    ['an unknown module', { a: { gateway: true, modules: ['users', 'catalog', 'orders', 'billing'] } }, /unknown module "billing"/],
    ['an unhosted module', { a: { gateway: true, modules: ['users', 'catalog'] } }, /module "orders" is not hosted/],
    ['a module in two processes', { a: { gateway: true, modules } , b: { modules: ['orders'] } }, /module "orders" is hosted by more than one process \(a, b\)/],
    ['no gateway', { a: { modules } }, /no process serves the gateway/],
    ['a process hosting nothing', { a: { gateway: true, modules }, idle: {} }, /process "idle" hosts nothing/],
    ['modules that are not a list', { a: { gateway: true, modules: 'users' } }, /"modules" must be a list/],
  ])('refuses %s, saying what is wrong', (_case, processes, message) => {
    expect(() => Topology.parse('bad', { processes }, modules)).toThrow(TopologyError);
    expect(() => Topology.parse('bad', { processes }, modules)).toThrow(message);
  });

  it('lists every problem at once', () => {
    expect(() => Topology.parse('bad', { processes: { a: { modules: ['users', 'nope'] } } }, modules)).toThrow(
      /unknown module "nope"[\s\S]*"catalog" is not hosted[\s\S]*"orders" is not hosted[\s\S]*no process serves the gateway/,
    );
  });

  it('refuses a file without processes and an unknown process name', () => {
    expect(() => Topology.parse('empty', {}, modules)).toThrow(/at least one process/);
    const topology = Topology.parse('mono', { processes: { all: { gateway: true, modules } } }, modules);
    expect(() => topology.process('nope')).toThrow(/has no process "nope" \(it has: all\)/);
  });
});
