import { BadRequestError } from '@cleave/contracts/kernel/errors';
import { checkJsonDepth, checkUnicode, findLoneSurrogate } from './body-bounds';

describe('checkJsonDepth', () => {
  const deep = (levels: number, open = '[', close = ']') => Buffer.from(open.repeat(levels) + close.repeat(levels));

  it('lets a body up to the depth through', () => {
    expect(() => checkJsonDepth(deep(32), 32)).not.toThrow();
    expect(() => checkJsonDepth(Buffer.from('{"a":{"b":[1,{"c":2}]}}'), 4)).not.toThrow();
  });

  it('refuses a deeper one with 400, thousands of levels without a stack overflow', () => {
    expect(() => checkJsonDepth(deep(33), 32)).toThrow(BadRequestError);
    expect(() => checkJsonDepth(deep(100_000, '{"a":', '}'), 32)).toThrow(/deeper than 32/);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(() => checkJsonDepth(Buffer.from(`{"a":"${'['.repeat(100)}\\"${'{'.repeat(100)}"}`), 2)).not.toThrow();
  });
});

describe('lone surrogates', () => {
  it('finds one in a value or a key, with its path', () => {
    expect(findLoneSurrogate({ email: 'x\ud83dy' })).toBe('email');
    expect(findLoneSurrogate({ items: [{ name: '\udc00' }] })).toBe('items.0.name');
    expect(findLoneSurrogate({ ['k\ud800']: 1 })).toBe('(body)');
    expect(findLoneSurrogate({ ok: 'emoji \ud83d\ude00 fine' })).toBeUndefined();
  });

  it('refuses the body with 400 naming the field', () => {
    expect(() => checkUnicode(JSON.parse('{"email":"x\\ud83dy"}'))).toThrow(expect.objectContaining({ status: 400, details: { email: 'must be valid Unicode text' } }));
  });
});
