// Unit tests of compare.js: `node --test bench/kuzu/` (no Kùzu needed).
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { compareAnswers, compareThree, limitShape } = require('./compare');

const q14 = 'MATCH (p:Person)-[:LOCATED_IN]->(l:Location {country: $c}) RETURN l.name, count(p) AS n ORDER BY n DESC LIMIT 3';

test('limitShape finds the sort key among the returned columns', () => {
  assert.deepStrictEqual(limitShape(q14), { limit: 3, keys: [1] });
  assert.deepStrictEqual(limitShape('MATCH (p) RETURN p LIMIT 50'), { limit: 50, keys: [] });
  assert.deepStrictEqual(limitShape('MATCH (d) RETURN d.id ORDER BY d.published_ts DESC LIMIT 20'), { limit: 20, keys: null });
  assert.strictEqual(limitShape('MATCH (p) RETURN p.id, count(*)'), null);
  assert.deepStrictEqual(limitShape('MATCH (a)-[k]-(f) RETURN f.id, k.since ORDER BY k.since DESC LIMIT 20'), { limit: 20, keys: [1] });
});

test('ties at the LIMIT boundary count as the same answer', () => {
  const a = [['x', 9], ['y', 5], ['z', 5]];
  const b = [['x', 9], ['w', 5], ['y', 5]];
  assert.strictEqual(compareAnswers(a, b, limitShape(q14), 'v1', 'v2').same, true);
});

test('a different row above the boundary is a difference', () => {
  const a = [['x', 9], ['y', 5], ['z', 5]];
  const b = [['q', 9], ['y', 5], ['z', 5]];
  const r = compareAnswers(a, b, limitShape(q14), 'v1', 'v2');
  assert.strictEqual(r.same, false);
  assert.match(r.note, /above the LIMIT/);
});

test('different sort keys are a difference', () => {
  const r = compareAnswers([['x', 9], ['y', 5], ['z', 5]], [['x', 9], ['y', 5], ['z', 4]], limitShape(q14), 'v1', 'v2');
  assert.strictEqual(r.same, false);
});

test('ties only count when the limit is reached', () => {
  const r = compareAnswers([['x', 9], ['y', 5]], [['x', 9], ['z', 5]], limitShape(q14), 'v1', 'v2');
  assert.strictEqual(r.same, false);
});

test('numbers: int equals float, sums within rounding', () => {
  assert.strictEqual(compareAnswers([[3, 1.0000000000001e6]], [[3.0, 1e6]], null, 'a', 'b').same, true);
  assert.strictEqual(compareAnswers([[3, 1.0001e6]], [[3, 1e6]], null, 'a', 'b').same, false);
});

test('rows and lists compare as multisets', () => {
  assert.strictEqual(compareAnswers([['a', ['p2', 'p1']], ['b', []]], [['b', []], ['a', ['p1', 'p2']]], null, 'a', 'b').same, true);
  assert.strictEqual(compareAnswers([['a'], ['a']], [['a']], null, 'a', 'b').same, false);
});

test('nodes compare by their id property', () => {
  const maestro = [[{ id: 17, labels: ['Person'], properties: { id: 'p1', name: 'A' } }]];
  const kuzu = [[{ _id: { offset: 0, table: 0 }, _label: 'Person', id: 'p1', name: 'A', age: null }]];
  assert.strictEqual(compareAnswers(maestro, kuzu, null, 'v1', 'Kùzu').same, true);
  kuzu[0][0].id = 'p2';
  assert.strictEqual(compareAnswers(maestro, kuzu, null, 'v1', 'Kùzu').same, false);
});

test('compareThree names the engine that differs', () => {
  const q = 'MATCH (p) RETURN p.id';
  assert.match(compareThree(q, [['a']], [['a']], [['b']]).difference, /^Kùzu differs from v1 and v2/);
  assert.match(compareThree(q, [['a']], [['b']], [['a']]).difference, /^v2 differs from v1 and Kùzu/);
  assert.match(compareThree(q, [['a']], [['a']], null, 'Kùzu: boom').difference, /Kùzu failed \(Kùzu: boom\)/);
  assert.strictEqual(compareThree(q, [['a']], [['a']], [['a']]).same_answers, true);
});
