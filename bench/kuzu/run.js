#!/usr/bin/env node
// Runs the top-20 benchmark operations on Kùzu, the peer engine of
// scripts/bench-planner.sh: same data, same parameters, same timing rule
// as `maestro bench --planner both` (src/tools/bench.cpp).
//
// In:  the directory `maestro gen` wrote (nodes_*.csv, rels_*.csv in the
//      import format of docs/storage.md, params.json) and the workload
//      (../shared/bench/top20.cypher).
// Out: one JSON file: per (opId, case) p50/p95/max in ms, rows, and the
//      answer (columns and rows as Kùzu's Node API gives them) for
//      compare.js; a failing query is a case with an `error`, never dropped.
//
// Kùzu needs a declared schema, so the node and relationship tables are
// derived from the CSV headers (`name:type` columns) and from which labels
// each relationship type really connects; the CSVs are rewritten into a
// temporary directory in the shape Kùzu's COPY FROM loads (one file per
// label, and per (type, from label, to label) for relationships).
//
// Usage: node run.js --data DIR --workload FILE --out FILE
//                    [--runs 10] [--warmup 2] [--threads 1] [--budget 20]
//                    [--timeout 300] [--profile FILE] [--db DIR]
//                    [--skip OPID/CASE=REASON]…
// --budget: a case whose one execution takes longer than this many seconds
// is measured by that one execution (rounds: 1) rather than 10 more.
// --timeout: one execution taking longer fails its case (the worker
// process running it is killed; see worker()). --skip records a case as
// not run, with the reason. --profile writes Kùzu's PROFILE of every case;
// --db keeps the database in DIR (new) for looking into afterwards.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const readline = require('readline');
const kuzu = require('kuzu');

// ---- translations ------------------------------------------------------------
//
// The top-20 queries in Kùzu's dialect, where it differs. Each entry says
// why; an operation not listed runs verbatim. Kùzu matches with walk
// semantics (a relationship may bind twice in one pattern) while Cypher
// requires the relationships of one MATCH to be distinct, so where two
// relationship variables of the same table could bind the same
// relationship the translation adds `id(r1) <> id(r2)`.
const TRANSLATIONS = {
  q09_fan_in: {
    why: 'sum() of no rows is NULL in Kùzu, 0 in Cypher',
    query:
      'MATCH (x:Account)-[t:TRANSFERRED_TO]->(h:Account {id: $hub}) WHERE t.ts >= $from ' +
      'RETURN count(*), coalesce(sum(t.amount), 0)',
  },
  q10_co_mentions: {
    why: 'relationship uniqueness: b = a only through a second MENTIONS of the same document',
    query:
      'MATCH (a:Person {id: $id})<-[m1:MENTIONS]-(d:Document)-[m2:MENTIONS]->(b:Person) ' +
      'WHERE d.published_ts >= $from AND id(m1) <> id(m2) ' +
      'RETURN b.id, count(d) AS c ORDER BY c DESC LIMIT 25',
  },
  q12_shortest_path: {
    why: 'shortestPath(…*..6) is written [* SHORTEST 1..6]',
    query:
      'MATCH p = (a:Person {id: $a})-[:KNOWS|WORKS_AT* SHORTEST 1..6]-(b:Person {id: $b}) ' +
      'RETURN length(p)',
  },
  q13_colleague_pairs: {
    why: 'relationship uniqueness: the two WORKS_AT must differ (a = b over a KNOWS self-loop)',
    query:
      'MATCH (a:Person)-[:KNOWS]-(b:Person), ' +
      '(a)-[w1:WORKS_AT]->(o:Organization {id: $org})<-[w2:WORKS_AT]-(b) ' +
      'WHERE id(w1) <> id(w2) RETURN a.id, b.id',
  },
  q16_profile_card: {
    why: 'collect() of only NULLs is NULL in Kùzu, [] in Cypher',
    query:
      'MATCH (p:Person {id: $id}) OPTIONAL MATCH (p)-[:WORKS_AT]->(o) ' +
      'OPTIONAL MATCH (p)-[:LOCATED_IN]->(l) ' +
      'RETURN p.name, coalesce(collect(DISTINCT o.name), []), ' +
      'coalesce(collect(DISTINCT l.name), [])',
  },
  q17_risky_reach: {
    why: 'variable-length paths: Cypher never repeats a relationship (TRAIL); Kùzu walks by default',
    query:
      'MATCH (p:Person {id: $id})-[:KNOWS* TRAIL 1..3]-(x:Person) WHERE x.risk_score > 0.95 ' +
      'RETURN DISTINCT x.id LIMIT 100',
  },
};

// Answers of Kùzu 0.11.3 known to be wrong, with the diagnosis. They stay
// marked as different in the results; report.js does not fail the run on
// one as long as v1 and v2 agree with each other (and Kùzu is the odd one).
const KNOWN_BUGS = {
  q13_colleague_pairs:
    'Kùzu closes the a–b–o triangle with a worst-case-optimal INTERSECT, which loses rows ' +
    'where a and b have duplicate KNOWS edges (the generator writes some); the same pattern ' +
    'split with WITH (a hash join) returns the Cypher count',
};

// ---- command line ------------------------------------------------------------

function parseArgs(argv) {
  const opts = { runs: 10, warmup: 2, threads: 1, budget: 20, timeout: 300, maxRuns: 3000, roundBudgetMs: 6000, skip: new Map() };
  const numeric = new Set(['runs', 'warmup', 'threads', 'budget', 'timeout', 'from']);
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    const value = argv[i + 1];
    const internal = ['worker', 'cases'];  // the parent's arguments to its workers
    if (!['data', 'workload', 'out', 'profile', 'db', 'skip', ...internal, ...numeric].includes(key) || value === undefined) {
      throw new Error(`unknown or incomplete option '${argv[i]}'`);
    }
    if (key === 'skip') {
      const m = /^([^/=]+\/[^=]+)=(.+)$/.exec(value);
      if (!m) throw new Error(`--skip: expected OPID/CASE=REASON, got '${value}'`);
      opts.skip.set(m[1], m[2]);
      continue;
    }
    opts[key] = numeric.has(key) ? Number(value) : value;
    if (numeric.has(key) && !(Number.isInteger(opts[key]) && opts[key] >= 0)) {
      throw new Error(`--${key}: expected a non-negative integer, got '${value}'`);
    }
  }
  if (opts.worker) return opts;
  for (const required of ['data', 'workload', 'out']) {
    if (!opts[required]) throw new Error(`--${required} is required`);
  }
  return opts;
}

// ---- workload ----------------------------------------------------------------

// `// opId: NAME` blocks, as tools::parseWorkload reads them.
function parseWorkload(text) {
  const ops = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    const m = /^\/\/ opId:\s*(\S+)/.exec(t);
    if (m) ops.push({ opId: m[1], query: '' });
    else if (t === '' || t.startsWith('//')) continue;
    else if (ops.length === 0) throw new Error('workload: a query before any // opId: line');
    else ops[ops.length - 1].query += (ops[ops.length - 1].query ? '\n' : '') + line.trimEnd();
  }
  return ops;
}

// ---- CSV ---------------------------------------------------------------------

// Records of an RFC 4180 file: arrays of {text, quoted}. A record may span
// lines (a quoted line break).
async function* csvRecords(file) {
  const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  let pending = null;
  for await (const raw of lines) {
    const line = pending === null ? raw.replace(/^\uFEFF/, '') : pending + '\n' + raw;
    if ((line.split('"').length - 1) % 2 === 1) {
      pending = line;  // inside a quoted field: the record goes on
      continue;
    }
    pending = null;
    if (line === '') continue;
    yield splitRecord(line);
  }
  if (pending !== null) throw new Error(`${file}: unterminated quoted field at the end`);
}

function splitRecord(line) {
  const fields = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let text = '';
      for (i++; ; i++) {
        if (line[i] === '"' && line[i + 1] === '"') {
          text += '"';
          i++;
        } else if (line[i] === '"') {
          i++;
          break;
        } else {
          text += line[i];
        }
      }
      fields.push({ text, quoted: true });
    } else {
      const end = line.indexOf(',', i);
      fields.push({ text: line.slice(i, end < 0 ? line.length : end), quoted: false });
      i = end < 0 ? line.length : end;
    }
    if (i >= line.length) return fields;
    i++;  // the comma
  }
}

// A field as Kùzu's CSV reader wants it. An empty unquoted field is NULL
// there as in maestro import (no property); Kùzu reads a quoted empty
// field as NULL too, where maestro sets '' — `maestro gen` writes none.
function csvField(f) {
  if (!f.quoted) return f.text;
  return '"' + f.text.replace(/"/g, '""') + '"';
}

// A buffered writer: one write(2) per megabyte.
class CsvWriter {
  constructor(file, header) {
    this.fd = fs.openSync(file, 'w');
    this.buf = [header.join(',') + '\n'];
    this.size = 0;
    this.rows = 0;
    this.multiline = false;  // a field holds a line break: Kùzu must read it serially
  }
  row(fields) {
    const line = fields.join(',') + '\n';
    if (!this.multiline && /[\r\n]/.test(line.slice(0, -1))) this.multiline = true;
    this.buf.push(line);
    this.size += line.length;
    this.rows++;
    if (this.size > 1 << 20) this.flush();
  }
  flush() {
    fs.writeSync(this.fd, this.buf.join(''));
    this.buf = [];
    this.size = 0;
  }
  close() {
    this.flush();
    fs.closeSync(this.fd);
  }
}

// `name[:type][@tier]` → {name, type} in Kùzu's types.
const KUZU_TYPES = {
  string: 'STRING', int: 'INT64', long: 'INT64', integer: 'INT64',
  float: 'DOUBLE', double: 'DOUBLE', bool: 'BOOLEAN', boolean: 'BOOLEAN',
};
function propertyColumn(header, file) {
  const m = /^([^:@]+)(?::([A-Za-z]+))?(?:@\w+)?$/.exec(header);
  const type = m && KUZU_TYPES[(m[2] || 'string').toLowerCase()];
  if (!type) throw new Error(`${file}: column '${header}': type not supported for Kùzu`);
  return { name: m[1], type };
}

// Rewrites the generated CSVs under `dir` into `out`, one file per node
// label and per (type, from, to). Returns the schema to declare and the
// files to COPY, in dependency order.
async function convertCsvs(dir, out) {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.csv')).sort();
  const labelOf = new Map();  // external id → label
  const nodeTables = new Map();  // label → {columns, writer}
  const relTables = new Map();  // type → {columns, pairs: Map("A|B" → writer)}
  const nodeFiles = [], relFiles = [];
  for (const f of files) {
    const header = fs.readFileSync(path.join(dir, f), 'utf8').split('\n', 1)[0].split(',');
    (header.includes(':START_ID') ? relFiles : nodeFiles).push(f);
  }
  for (const f of nodeFiles) {
    const file = path.join(dir, f);
    let cols = null, idAt = -1, labelAt = -1, keep = [];
    let lineNo = 1;
    for await (const rec of csvRecords(file)) {
      if (cols === null) {
        cols = rec.map((r) => r.text);
        idAt = cols.indexOf(':ID');
        labelAt = cols.indexOf(':LABEL');
        if (idAt < 0 || labelAt < 0) throw new Error(`${f}: Kùzu needs :ID and :LABEL columns`);
        keep = cols.map((c, i) => i).filter((i) => i !== idAt && i !== labelAt && cols[i] !== ':IGNORE');
        continue;
      }
      lineNo++;
      const label = rec[labelAt].text;
      if (label.includes(';')) throw new Error(`${f}:${lineNo}: Kùzu tables hold one label per node`);
      let table = nodeTables.get(label);
      if (!table) {
        const columns = keep.map((i) => propertyColumn(cols[i], f));
        if (columns.some((c) => c.name === 'id')) throw new Error(`${f}: an 'id' property besides :ID`);
        table = { columns, writer: new CsvWriter(path.join(out, `node_${label}.csv`), ['id', ...columns.map((c) => c.name)]) };
        nodeTables.set(label, table);
      }
      labelOf.set(rec[idAt].text, label);
      table.writer.row([csvField(rec[idAt]), ...keep.map((i) => csvField(rec[i]))]);
    }
  }
  for (const f of relFiles) {
    const file = path.join(dir, f);
    let cols = null, at = {}, keep = [];
    let lineNo = 1;
    for await (const rec of csvRecords(file)) {
      if (cols === null) {
        cols = rec.map((r) => r.text);
        for (const c of [':START_ID', ':END_ID', ':TYPE']) at[c] = cols.indexOf(c);
        if (at[':TYPE'] < 0) throw new Error(`${f}: no :TYPE column`);
        keep = cols.map((c, i) => i).filter((i) => !cols[i].startsWith(':'));
        continue;
      }
      lineNo++;
      const type = rec[at[':TYPE']].text;
      const from = labelOf.get(rec[at[':START_ID']].text);
      const to = labelOf.get(rec[at[':END_ID']].text);
      if (!from || !to) throw new Error(`${f}:${lineNo}: unknown end id`);
      let table = relTables.get(type);
      if (!table) {
        table = { columns: keep.map((i) => propertyColumn(cols[i], f)), pairs: new Map() };
        relTables.set(type, table);
      }
      const key = `${from}|${to}`;
      let writer = table.pairs.get(key);
      if (!writer) {
        writer = new CsvWriter(path.join(out, `rel_${type}_${from}_${to}.csv`),
                               ['from', 'to', ...table.columns.map((c) => c.name)]);
        table.pairs.set(key, writer);
      }
      writer.row([csvField(rec[at[':START_ID']]), csvField(rec[at[':END_ID']]), ...keep.map((i) => csvField(rec[i]))]);
    }
  }
  const ddl = [], copies = [];
  const serial = (w) => (w.multiline ? ', parallel=false' : '');
  for (const [label, t] of nodeTables) {
    t.writer.close();
    const cols = t.columns.map((c) => `${c.name} ${c.type}`);
    ddl.push(`CREATE NODE TABLE ${label}(id STRING, ${cols.join(', ')}${cols.length ? ', ' : ''}PRIMARY KEY(id))`);
    copies.push(`COPY ${label} FROM '${path.join(out, `node_${label}.csv`)}' (header=true${serial(t.writer)})`);
  }
  for (const [type, t] of relTables) {
    const pairs = [...t.pairs.keys()].map((k) => k.split('|'));
    const props = t.columns.map((c) => `, ${c.name} ${c.type}`).join('');
    ddl.push(`CREATE REL TABLE ${type}(${pairs.map(([a, b]) => `FROM ${a} TO ${b}`).join(', ')}${props})`);
    for (const [[a, b], w] of [...t.pairs.entries()].map(([k, w]) => [k.split('|'), w])) {
      w.close();
      const ends = pairs.length > 1 ? `, from='${a}', to='${b}'` : '';
      copies.push(`COPY ${type} FROM '${path.join(out, `rel_${type}_${a}_${b}.csv`)}' (header=true${ends}${serial(w)})`);
    }
  }
  return { ddl, copies, nodes: labelOf.size };
}

// ---- running -----------------------------------------------------------------

// Nearest-rank percentile, as bench.cpp's.
function percentile(xs, p) {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(Math.max(Math.ceil(p * s.length), 1), s.length) - 1];
}

// Kùzu's values as JSON can hold them: INT128 sums come back as BigInt.
function plain(v) {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') {
    const o = {};
    for (const [k, x] of Object.entries(v)) o[k] = plain(x);
    return o;
  }
  return v;
}

function execute(conn, query, params) {
  const ps = conn.prepareSync(query);
  if (!ps.isSuccess()) throw new Error(ps.getErrorMessage());
  const result = conn.executeSync(ps, params);
  const rows = result.getAllSync();
  const columns = result.getColumnNamesSync();
  result.close();
  return { columns, rows };
}

function runCase(conn, query, params, opts, beat) {
  let answer = null;
  const timed = () => {
    const start = process.hrtime.bigint();
    answer = execute(conn, query, params);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    beat();
    return ms;
  };
  const budgetMs = opts.budget * 1000;
  let times = [];
  for (let i = 0; i < Math.max(1, opts.warmup); i++) {
    const t = timed();
    if (t > budgetMs) times = [t];  // over budget: this one execution is the measurement
    if (t > budgetMs) break;
  }
  if (times.length === 0) {
    // As bench.cpp: a case gets as many rounds as fit in about
    // roundBudgetMs (at most maxRuns), so its p95 is a percentile, not one
    // hiccup.
    const first = timed();
    const n = first > 0 ? Math.max(opts.runs, Math.min(opts.maxRuns, Math.floor(opts.roundBudgetMs / first))) : opts.runs;
    for (let i = 0; i < n; i++) times.push(timed());
  }
  return {
    p50_ms: percentile(times, 0.5),
    p95_ms: percentile(times, 0.95),
    max_ms: percentile(times, 1),
    rounds: times.length,
    rows: answer.rows.length,
    columns: answer.columns,
    answer: answer.rows.map((r) => answer.columns.map((c) => plain(r[c]))),
  };
}

// ---- worker: runs cases in a child process ------------------------------------
//
// Kùzu 0.11.3 cannot interrupt a running recursive join (its query timeout
// goes unchecked there), so the cases run in a child process that the
// parent kills when one execution takes longer than --timeout. The child
// opens the loaded database read-only and reports on stdout, one JSON line
// per execution ({"beat"}) and per finished case ({"entry"}).
function worker(opts) {
  const cases = JSON.parse(fs.readFileSync(opts.cases, 'utf8'));
  const db = new kuzu.Database(opts.worker, 0, true, true);
  const conn = new kuzu.Connection(db, opts.threads);
  const send = (o) => fs.writeSync(1, JSON.stringify(o) + '\n');
  for (let i = opts.from; i < cases.length; i++) {
    const c = cases[i];
    const entry = { opId: c.opId, case: c.case };
    try {
      Object.assign(entry, runCase(conn, c.query, c.params, opts, () => send({ beat: i })));
      if (opts.profile) {
        const p = execute(conn, 'PROFILE ' + c.query, c.params);
        entry.profile = p.rows.map((r) => Object.values(r).join('\n')).join('\n');
      }
    } catch (e) {
      entry.error = `Kùzu: ${e.message}`;
    }
    send({ entry });
  }
  conn.closeSync();
  db.closeSync();
}

// Runs cases[from…] in a child; resolves with the entries it finished and,
// when it was killed or died, the error of the case it was on.
function runChild(dbDir, casesFile, from, opts) {
  const args = [__filename, '--worker', dbDir, '--cases', casesFile, '--from', String(from),
                '--runs', String(opts.runs), '--warmup', String(opts.warmup), '--threads', String(opts.threads),
                '--budget', String(opts.budget)];
  if (opts.profile) args.push('--profile', opts.profile);
  const child = require('child_process').spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const entries = [];
  let stderr = '', timedOut = false, timer = null;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, opts.timeout * 1000);
  };
  arm();
  child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-2000); });
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    arm();
    const msg = JSON.parse(line);
    if (msg.entry) {
      entries.push(msg.entry);
      const e = msg.entry;
      console.error(e.error ? `  ${e.opId}/${e.case}: FAILED: ${e.error}`
                            : `  ${e.opId}/${e.case}: ${e.rows} rows, p50 ${e.p50_ms.toFixed(3)} ms, p95 ${e.p95_ms.toFixed(3)} ms`);
    }
  });
  return new Promise((resolve) => child.on('close', (code, signal) => {
    clearTimeout(timer);
    let error = null;
    if (timedOut) error = `Kùzu: one run took over ${opts.timeout} s; killed`;
    else if (code !== 0) error = `Kùzu: the worker died (${signal || `exit ${code}`}): ${stderr.trim()}`;
    resolve({ entries, error, timedOut });
  }));
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.worker) return worker(opts);
  const workload = parseWorkload(fs.readFileSync(opts.workload, 'utf8'));
  const paramsFile = JSON.parse(fs.readFileSync(path.join(opts.data, 'params.json'), 'utf8'));
  const queries = paramsFile.queries || paramsFile;
  for (const opId of Object.keys(TRANSLATIONS)) {
    if (!workload.some((op) => op.opId === opId)) console.error(`kuzu: warning: a translation for ${opId}, which the workload lacks`);
  }
  const cases = [];
  for (const op of workload) {
    const query = TRANSLATIONS[op.opId] ? TRANSLATIONS[op.opId].query : op.query;
    const list = queries[op.opId] && queries[op.opId].length ? queries[op.opId] : [{ case: 'default', params: {} }];
    for (const c of list) cases.push({ opId: op.opId, case: c.case || 'default', query, params: c.params || {} });
  }

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'maestro-kuzu-'));
  try {
    const loadStart = process.hrtime.bigint();
    fs.mkdirSync(path.join(tmp, 'csv'));
    const schema = await convertCsvs(opts.data, path.join(tmp, 'csv'));
    if (opts.db && fs.existsSync(opts.db)) throw new Error(`--db: ${opts.db} exists`);
    const dbDir = opts.db || path.join(tmp, 'db');
    const db = new kuzu.Database(dbDir);
    const conn = new kuzu.Connection(db, opts.threads);
    for (const statement of [...schema.ddl, ...schema.copies]) {
      try {
        conn.querySync(statement).close();
      } catch (e) {
        throw new Error(`Kùzu: ${statement}: ${e.message}`);
      }
    }
    conn.closeSync();
    db.closeSync();
    fs.rmSync(path.join(tmp, 'csv'), { recursive: true, force: true });
    const loadSeconds = Number(process.hrtime.bigint() - loadStart) / 1e9;
    console.error(`kuzu ${kuzu.VERSION}: ${schema.nodes} nodes loaded in ${loadSeconds.toFixed(1)} s; ` +
                  `${opts.threads} thread(s), ${opts.runs} runs after ${opts.warmup} warm-up runs`);

    const out = {
      engine: 'kuzu', version: kuzu.VERSION, threads: opts.threads, runs: opts.runs, warmup: opts.warmup,
      budget: opts.budget, timeout: opts.timeout, load_seconds: loadSeconds, schema: schema.ddl,
      translations: TRANSLATIONS, known_bugs: KNOWN_BUGS, cases: [],
    };
    // Skipped cases are recorded, not run; the others go to workers, a new
    // one after each that was killed.
    const todo = [];
    for (const c of cases) {
      const skip = opts.skip.get(`${c.opId}/${c.case}`);
      if (skip) console.error(`  ${c.opId}/${c.case}: not run: ${skip}`);
      if (skip) out.cases.push({ opId: c.opId, case: c.case, error: `not run: ${skip}` });
      else todo.push(c);
    }
    const casesFile = path.join(tmp, 'cases.json');
    fs.writeFileSync(casesFile, JSON.stringify(todo));
    const done = [];
    while (done.length < todo.length) {
      const { entries, error, timedOut } = await runChild(dbDir, casesFile, done.length, opts);
      done.push(...entries);
      if (done.length < todo.length && error) {
        const c = todo[done.length];
        console.error(`  ${c.opId}/${c.case}: FAILED: ${error}`);
        done.push({ opId: c.opId, case: c.case, error, ...(timedOut ? { timed_out: true } : {}) });
      } else if (done.length < todo.length) {
        throw new Error('a worker stopped early without an error');
      }
    }
    // Back in workload order, skipped cases included.
    const order = new Map(cases.map((c, i) => [`${c.opId}/${c.case}`, i]));
    out.cases = [...out.cases, ...done].sort((a, b) => order.get(`${a.opId}/${a.case}`) - order.get(`${b.opId}/${b.case}`));
    if (opts.profile) {
      fs.writeFileSync(opts.profile, out.cases.filter((e) => e.profile).map((e) => `== ${e.opId}/${e.case}\n${e.profile}\n`).join('\n'));
      for (const e of out.cases) delete e.profile;
    }
    fs.writeFileSync(opts.out, JSON.stringify(out) + '\n');
    const failed = out.cases.filter((e) => e.error).length;
    if (failed > 0) console.error(`kuzu: ${failed} case(s) failed or not run; they are marked in ${opts.out}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`bench/kuzu/run.js: ${e.message}`);
  process.exit(1);
});
