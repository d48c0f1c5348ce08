import { DEVELOPMENT_SEAL_KEY, Sealer, UnsealError } from './sealing';

describe('sealed fields', () => {
  const sealer = new Sealer('a-production-key-of-at-least-32-bytes!');

  it('seal the marked string fields only, and open back to the same request', () => {
    const request = { email: 'ada@example.com', password: 'correct horse', count: 3 };
    const sealed = sealer.sealFields(request, ['password', 'currentPassword'], 'users.startSession') as Record<string, unknown>;
    expect(sealed).toEqual({ email: 'ada@example.com', password: { $sealed: expect.stringMatching(/^v1\.[\w-]+$/) }, count: 3 });
    expect(JSON.stringify(sealed)).not.toContain('correct horse');
    expect(request.password).toBe('correct horse');
    expect(sealer.openFields(JSON.parse(JSON.stringify(sealed)), 'users.startSession')).toEqual(request);
  });

  it('never seal the same value alike twice', () => {
    expect(sealer.seal('same', 'p:f').$sealed).not.toBe(sealer.seal('same', 'p:f').$sealed);
  });

  it('refuse another key, another place, and any alteration', () => {
    const sealed = sealer.seal('correct horse', 'users.startSession:password');
    expect(() => new Sealer(DEVELOPMENT_SEAL_KEY).open(sealed, 'users.startSession:password')).toThrow(UnsealError);
    expect(() => sealer.open(sealed, 'users.register:password')).toThrow(/could not be opened: CLEAVE_BUS_SEAL_KEY differs/);
    const body = sealed.$sealed;
    const flipped = `${body.slice(0, -2)}${body.at(-2) === 'A' ? 'B' : 'A'}${body.at(-1)}`;
    expect(() => sealer.open({ $sealed: flipped }, 'users.startSession:password')).toThrow(UnsealError);
    expect(() => sealer.open({ $sealed: 'v9.abc' }, 'users.startSession:password')).toThrow(/unknown format/);
  });
});
