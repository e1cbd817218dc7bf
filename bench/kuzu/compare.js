// Answer comparison across engines: maestro's planners v1 and v2 (rows as
// QueryResult::toJson writes them, from `maestro bench --answers`) and Kùzu
// (rows from run.js).
//
// It lives here, in one place for all three engines, rather than in
// bench.cpp: the engines' answers meet only in this process, and comparing
// them needs one normalisation of two JSON shapes (maestro's and Kùzu's
// Node API), which is simplest over JSON. bench.cpp keeps its own v1/v2
// check for `maestro bench` run alone.
//
// Rules: rows are compared as multisets, column by column in position
// (column names differ between engines); numbers by value, an int equal to
// a float (within 1e-9 relative, for sums added up in another order);
// lists as multisets (collect() follows row order, which plans change);
// nodes by their `id` property. When a query ORDER BYs then LIMITs and the
// limit is reached, rows tied on the sort key at the cut may legitimately
// differ: then the multisets of sort keys must agree, and the rows above
// the last (boundary) key must be the same. A LIMIT without ORDER BY, when
// reached, allows any rows: only the count is compared.
'use strict';

function isMaestroNode(v) {
  return Array.isArray(v.labels) && v.properties !== undefined && !('type' in v);
}
function isKuzuNode(v) {
  return '_label' in v && '_id' in v && !('_src' in v);
}

// A value reduced to what the engines must agree on: numbers stay numbers
// (compared with tolerance), nodes become {node: id}.
function normalise(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return sortValues(v.map(normalise));
  if (typeof v === 'object') {
    if (isMaestroNode(v)) return { node: normalise(v.properties.id ?? `#${v.id}`) };
    if (isKuzuNode(v)) return { node: normalise(v.id ?? `#${v._id.table}:${v._id.offset}`) };
    const o = {};
    for (const k of Object.keys(v).sort()) o[k] = normalise(v[k]);
    return o;
  }
  return v;
}

// Sort key: floats rounded to 9 significant digits, so that values which
// are equal within tolerance almost always sort alike (then checked with
// equalValues).
function key(v) {
  return JSON.stringify(v, (k, x) => (typeof x === 'number' && !Number.isInteger(x) ? Number(x.toPrecision(9)) : x));
}
function sortValues(xs) {
  return xs.map((x) => [key(x), x]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((p) => p[1]);
}

function equalValues(a, b) {
  if (typeof a === 'number' && typeof b === 'number') {
    return a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a), kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => k in b && equalValues(a[k], b[k]));
}

// Multisets of rows: '' when equal, else what differs.
function diffMultisets(a, b, nameA, nameB) {
  const sa = sortValues(a), sb = sortValues(b);
  if (sa.length !== sb.length) return `${sa.length} vs ${sb.length} rows`;
  for (let i = 0; i < sa.length; i++) {
    if (!equalValues(sa[i], sb[i])) {
      if (sa.length > 2000) return `rows differ, e.g. ${JSON.stringify(sa[i])} vs ${JSON.stringify(sb[i])}`;
      const onlyA = sa.filter((x) => !sb.some((y) => equalValues(x, y)));
      const onlyB = sb.filter((y) => !sa.some((x) => equalValues(x, y)));
      if (onlyA.length === 0 && onlyB.length === 0) return 'the same rows, repeated a different number of times';
      const show = (xs) => (xs.length ? `${xs.length}, e.g. ${JSON.stringify(xs[0])}` : 'none');
      return `rows only in ${nameA}: ${show(onlyA)}; only in ${nameB}: ${show(onlyB)}`;
    }
  }
  return '';
}

// Splits on commas outside (), [], {} and quotes.
function splitTopLevel(text) {
  const parts = [];
  let depth = 0, quote = null, start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}

// The ORDER BY … LIMIT shape of a query's final RETURN: null without a
// LIMIT; else {limit, keys}: keys = the returned columns sorted on (by
// alias or expression text), [] without ORDER BY, null when a sort key is
// not returned (then ties at the cut cannot be recognised).
function limitShape(query) {
  const q = query.replace(/\s+/g, ' ').trim();
  const at = q.toUpperCase().lastIndexOf('RETURN ');
  const m = /^RETURN (?:DISTINCT )?(.*?)(?: ORDER BY (.*?))?(?: SKIP \S+)? LIMIT (\d+)$/i.exec(q.slice(at));
  if (at < 0 || !m) return null;
  const columns = splitTopLevel(m[1]).map((item) => {
    const alias = /^(.*) AS (\w+)$/i.exec(item);
    return alias ? [alias[1].trim(), alias[2]] : [item, item];
  });
  if (!m[2]) return { limit: Number(m[3]), keys: [] };
  const keys = [];
  for (const k of splitTopLevel(m[2])) {
    const expr = k.replace(/ (ASC|DESC|ASCENDING|DESCENDING)$/i, '').trim();
    const i = columns.findIndex(([e, alias]) => alias === expr || e === expr);
    if (i < 0) return { limit: Number(m[3]), keys: null };
    keys.push(i);
  }
  return { limit: Number(m[3]), keys };
}

// Compares two answers (arrays of rows, rows arrays of values, in the
// engine's order). Returns {same, note}: note says how they differ, or why
// they count as the same when not identical.
function compareAnswers(a, b, shape, nameA, nameB) {
  const na = a.map((r) => r.map(normalise)), nb = b.map((r) => r.map(normalise));
  const strict = diffMultisets(na, nb, nameA, nameB);
  if (!strict) return { same: true, note: '' };
  if (!shape || na.length !== shape.limit || nb.length !== shape.limit) return { same: false, note: strict };
  if (shape.keys === null) return { same: false, note: `${strict} (sort key not returned: ties at the LIMIT cannot be told)` };
  if (shape.keys.length === 0) return { same: true, note: `LIMIT ${shape.limit} without ORDER BY: any ${shape.limit} rows; counts agree` };
  const keyOf = (row) => shape.keys.map((i) => row[i]);
  const keys = diffMultisets(na.map(keyOf), nb.map(keyOf), nameA, nameB);
  if (keys) return { same: false, note: `sort keys differ: ${keys}` };
  const boundary = keyOf(na[na.length - 1]);
  const above = (rows) => rows.filter((r) => !equalValues(keyOf(r), boundary));
  const upper = diffMultisets(above(na), above(nb), nameA, nameB);
  if (upper) return { same: false, note: `rows above the LIMIT's last key differ: ${upper}` };
  return { same: true, note: `ties at the LIMIT (sort key ${JSON.stringify(boundary)}) broken differently` };
}

// v1, v2 and Kùzu on one case. `kuzu` null when it failed (kuzuError).
// Returns {same_answers, difference} naming the engine that differs.
function compareThree(query, v1, v2, kuzu, kuzuError) {
  const shape = limitShape(query);
  const d12 = compareAnswers(v1, v2, shape, 'v1', 'v2');
  const notes = new Set();
  if (kuzu === null) {
    return {
      same_answers: false,
      difference: `Kùzu failed (${kuzuError}); v1 and v2: ${d12.same ? 'same' : d12.note}`,
    };
  }
  const d1k = compareAnswers(v1, kuzu, shape, 'v1', 'Kùzu');
  const d2k = compareAnswers(v2, kuzu, shape, 'v2', 'Kùzu');
  for (const d of [d12, d1k, d2k]) if (d.same && d.note) notes.add(d.note);
  if (d12.same && d1k.same && d2k.same) return { same_answers: true, difference: [...notes].join('; ') };
  let difference;
  if (d12.same) difference = `Kùzu differs from v1 and v2: ${d1k.note}`;
  else if (d1k.same) difference = `v2 differs from v1 and Kùzu: ${d12.note}`;
  else if (d2k.same) difference = `v1 differs from v2 and Kùzu: ${d12.note}`;
  else difference = `all three differ: v1/v2: ${d12.note}; v1/Kùzu: ${d1k.note}`;
  return { same_answers: false, difference };
}

module.exports = { compareAnswers, compareThree, limitShape, normalise };
