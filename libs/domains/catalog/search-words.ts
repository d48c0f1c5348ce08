/**
 * The words of a product and of a search, cut the same way for both databases. SQLite's FTS5
 * and PostgreSQL's text search each have their own tokenizer (PostgreSQL's also depends on the
 * database's locale); cutting here, in JavaScript, and handing the databases ready-made words
 * makes a search answer the same on both. A word is a run of letters, marks and digits, after
 * NFC normalisation and lower-casing: "100% Steel-head" is `100`, `steel`, `head`.
 */
const WORD = /[\p{L}\p{M}\p{N}]+/gu;

/** Most words of a search that count: a longer query narrows nothing further in practice. */
export const MAX_SEARCH_WORDS = 8;

export function words(text: string): string[] {
  return [...new Set(text.normalize('NFC').toLowerCase().match(WORD) ?? [])];
}

/** What the search index holds for a product: its distinct words, space-separated. */
export function searchDocument(name: string, description: string): string {
  return words(`${name} ${description}`).join(' ');
}

/** The words of a search, each to match the start of a word of the product (all of them). */
export function searchTerms(q: string): string[] {
  return words(q).slice(0, MAX_SEARCH_WORDS);
}

/** An FTS5 MATCH expression: every term as a prefix, all required. */
export function ftsMatch(terms: string[]): string {
  return terms.map((term) => `"${term}"*`).join(' ');
}

/** A tsquery literal: every term as a prefix lexeme, all required (terms hold no quotes). */
export function tsQuery(terms: string[]): string {
  return terms.map((term) => `'${term}':*`).join(' & ');
}
