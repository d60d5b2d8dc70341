import { describe, expect, it } from 'vitest';
import { compileHeaders, compileTopic, headersMatch, topicMatches, words } from './routing.js';

const matches = (pattern: string, key: string) => topicMatches(compileTopic(pattern, false), words(key));

describe('topic matching', () => {
  it.each([
    ['a.*', 'a.b', true],
    ['a.*', 'a', false],
    ['a.*', 'a.b.c', false],
    ['a.#', 'a', true],
    ['a.#', 'a.b.c', true],
    ['#', '', true],
    ['#', 'a.b', true],
    ['*', '', false],
    ['*', 'a', true],
    ['#.b', 'b', true],
    ['#.b', 'a.a.b', true],
    ['#.b', 'a.b.c', false],
    ['a.#.c', 'a.c', true],
    ['a.#.c', 'a.x.y.c', true],
    ['a.#.#.c', 'a.c', true],
    ['*.#', '', false],
    ['*.#', 'a', true],
    ['a..b', 'a..b', true],
    ['a..b', 'a.b', false],
    ['', '', true],
    ['', 'a', false],
  ])("'%s' against '%s' is %s", (pattern, key, expected) => {
    expect(matches(pattern, key)).toBe(expected);
  });

  it('refuses a wildcard glued to a word, which RabbitMQ would match literally', () => {
    expect(() => compileTopic('orders#', false)).toThrow(/only as a whole word.*'orders\.#'/);
    expect(() => compileTopic('order.*created', false)).toThrow(
      expect.objectContaining({ code: 'SIM_CONFIG' }),
    );
  });

  it('matches a glued wildcard literally when allowed', () => {
    const pattern = compileTopic('orders#', true);
    expect(topicMatches(pattern, words('orders#'))).toBe(true);
    expect(topicMatches(pattern, words('orders.x'))).toBe(false);
  });
});

describe('headers matching', () => {
  it('all needs every pair, any needs one, x- binding arguments are not compared', () => {
    const all = compileHeaders({ 'x-match': 'all', a: 1, b: 'two', 'x-note': 'ignored' });
    expect(headersMatch(all, { a: 1, b: 'two' })).toBe(true);
    expect(headersMatch(all, { a: 1 })).toBe(false);
    expect(headersMatch(all, { a: '1', b: 'two' })).toBe(false);
    const any = compileHeaders({ 'x-match': 'any', a: 1, b: 'two' });
    expect(headersMatch(any, { b: 'two' })).toBe(true);
    expect(headersMatch(any, { c: 1 })).toBe(false);
  });

  it('defaults to all; an empty all matches everything and an empty any nothing', () => {
    expect(headersMatch(compileHeaders(undefined), {})).toBe(true);
    expect(headersMatch(compileHeaders({ 'x-match': 'any' }), { a: 1 })).toBe(false);
  });

  it('any-with-x and all-with-x compare x- headers too; any and all ignore them', () => {
    const any = compileHeaders({ 'x-match': 'any-with-x', 'x-tenant': 't1', region: 'eu' });
    expect(headersMatch(any, { 'x-tenant': 't1' })).toBe(true);
    expect(headersMatch(any, { 'x-tenant': 't2' })).toBe(false);
    expect(headersMatch(any, { region: 'eu' })).toBe(true);
    const all = compileHeaders({ 'x-match': 'all-with-x', 'x-tenant': 't1', region: 'eu' });
    expect(headersMatch(all, { 'x-tenant': 't1', region: 'eu' })).toBe(true);
    expect(headersMatch(all, { region: 'eu' })).toBe(false);
    expect(headersMatch(all, { 'x-tenant': 't2', region: 'eu' })).toBe(false);
    // Without -with-x the x- argument is not a condition: all matches on region alone, and an any
    // binding whose only argument is an x- one has nothing to compare and matches nothing.
    expect(
      headersMatch(compileHeaders({ 'x-match': 'all', 'x-tenant': 't1', region: 'eu' }), { region: 'eu' }),
    ).toBe(true);
    expect(headersMatch(compileHeaders({ 'x-match': 'any', 'x-tenant': 't1' }), { 'x-tenant': 't1' })).toBe(
      false,
    );
  });

  it('a null binding value matches any value of a present header', () => {
    const binding = compileHeaders({ 'x-match': 'all', tenant: null });
    expect(headersMatch(binding, { tenant: 'anyone' })).toBe(true);
    expect(headersMatch(binding, {})).toBe(false);
  });

  it('refuses an unknown x-match', () => {
    expect(() => compileHeaders({ 'x-match': 'some' })).toThrow(/invalid x-match/);
  });
});
