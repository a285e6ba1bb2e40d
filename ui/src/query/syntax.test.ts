import { describe, expect, it } from 'vitest';
import { durationNanos, formatQuery, parseCondition, parseQuery, quoteValue, splitTop, textValue, timeRange } from './syntax';

describe('parseQuery', () => {
  it('reads every clause of a query into builder state', () => {
    const m = parseQuery('where service.name = checkout and duration > 500ms | p99(duration), count() by http.route | last 15m | every 1m | limit 20');
    expect(m.filters).toEqual([
      { column: 'service.name', op: '=', value: 'checkout' },
      { column: 'duration', op: '>', value: '500ms' },
    ]);
    expect(m.calcs).toEqual(['p99(duration)', 'count()']);
    expect(m.by).toEqual(['http.route']);
    expect(m.time).toBe('last 15m');
    expect(m.every).toBe('1m');
    expect(m.limit).toBe('20');
  });

  it('keeps a where clause with or as raw text, not as filters', () => {
    const m = parseQuery('where a = 1 or b = 2 | count()');
    expect(m.filters).toBeNull();
    expect(m.where).toBe('a = 1 or b = 2');
    expect(formatQuery(m)).toBe('where a = 1 or b = 2 | count()');
  });

  it('does not split at a pipe inside quotes', () => {
    expect(splitTop('where body contains "a | b" | count()', '|')).toEqual(['where body contains "a | b" ', ' count()']);
    expect(parseQuery('where body contains "a | b" | count()').filters).toEqual([{ column: 'body', op: 'contains', value: '"a | b"' }]);
  });

  it('writes the builder state back in canonical order, round trip stable', () => {
    const text = 'where service.name in (cart, checkout) and error = true | count() by service.name | having count() > 10 | order by count() desc | limit 5 | last 1h | every auto';
    expect(formatQuery(parseQuery(text))).toBe(text);
    expect(formatQuery(parseQuery('series | last 1h | count'))).toBe('count | last 1h | every auto');
  });

  it('reads group by alone and a by clause after calculations', () => {
    expect(parseQuery('group by a, b').by).toEqual(['a', 'b']);
    expect(parseQuery('by service.name').by).toEqual(['service.name']);
  });

  it('quotes values that are not plain words and columns that are not plain names', () => {
    expect(quoteValue('connection refused')).toBe('"connection refused"');
    expect(quoteValue('u-42')).toBe('u-42');
    expect(textValue('500ms')).toBe('"500ms"');
    expect(textValue('007')).toBe('"007"');
    expect(formatQuery({ ...parseQuery(''), filters: [{ column: 'weird key', op: '=', value: 'a"b c' }] })).toBe('where `weird key` = "a\\"b c"');
  });
});

describe('parseCondition', () => {
  it('gives the builder its rows when the condition is predicates joined by and', () => {
    expect(parseCondition('service.name = checkout and duration >= 1.5s and s not in (a, "b c") and x not exists').flat).toEqual([
      { column: 'service.name', op: '=', value: 'checkout' },
      { column: 'duration', op: '>=', value: '1.5s' },
      { column: 's', op: 'not in', value: 'a, "b c"' },
      { column: 'x', op: 'does-not-exist', value: '' },
    ]);
  });

  it('gives no rows for or and parentheses, which the builder cannot show', () => {
    expect(parseCondition('a = 1 or b = 2 and c = 3').flat).toBeNull();
    expect(parseCondition('(a = 1 or b = 2) and c = 3').flat).toBeNull();
  });

  it('refuses what is not a condition with a sentence', () => {
    expect(() => parseCondition('service.name =')).toThrow(/expected a value/);
    expect(() => parseCondition('a = "open')).toThrow(/unclosed/);
    expect(() => parseCondition('a ~ 1')).toThrow();
  });
});

describe('time', () => {
  it('reads durations with combined units', () => {
    expect(durationNanos('1h30m')).toBe(5400e9);
    expect(durationNanos('250us')).toBe(250e3);
  });

  it('turns the time clause into the JSON range', () => {
    const now = Date.parse('2026-11-23T12:00:00Z');
    expect(timeRange('')).toEqual({ last: '1h' });
    expect(timeRange('last 15m')).toEqual({ last: '15m' });
    expect(timeRange('since 2h ago', now)).toEqual({ from: now - 7200e3, to: now });
    expect(timeRange('since 2026-11-23T10:00:00Z until 2026-11-23T11:00:00Z', now)).toEqual({
      from: Date.parse('2026-11-23T10:00:00Z'),
      to: Date.parse('2026-11-23T11:00:00Z'),
    });
    expect(timeRange('last 30m until 2026-11-23T11:00:00Z', now)).toEqual({
      from: Date.parse('2026-11-23T10:30:00Z'),
      to: Date.parse('2026-11-23T11:00:00Z'),
    });
  });
});
