import { ftsMatch, searchDocument, searchTerms, tsQuery, words } from './search-words';

describe('search words', () => {
  it('cuts text into distinct lower-case words of letters, marks and digits', () => {
    expect(words('Adjustable, 100% STEEL-head steel')).toEqual(['adjustable', '100', 'steel', 'head']);
    expect(words('shirt_large')).toEqual(['shirt', 'large']);
    expect(words('Crème Brûlée')).toEqual(['crème', 'brûlée']);
    // The same word whether its accent is one code point or a letter and a combining mark.
    expect(words('cre\u0300me')).toEqual(words('crème'));
    expect(words('%_\\ ')).toEqual([]);
  });

  it('makes the indexed document and the query terms the same way', () => {
    expect(searchDocument('Red Widget', 'made of steel, red')).toBe('red widget made of steel');
    expect(searchTerms('  STEEL  wid ')).toEqual(['steel', 'wid']);
    expect(searchTerms('a b c d e f g h i j')).toHaveLength(8);
  });

  it('quotes every term for FTS5 and tsquery as a prefix', () => {
    expect(ftsMatch(['steel', 'wid'])).toBe('"steel"* "wid"*');
    expect(tsQuery(['steel', 'wid'])).toBe("'steel':* & 'wid':*");
  });
});
