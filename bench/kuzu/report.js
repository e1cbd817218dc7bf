#!/usr/bin/env node
// Merges one benchmark run — `maestro bench --planner both` (results and
// answers) and run.js on Kùzu — into bench/results/latest.json, compares
// the three engines' answers (compare.js), and writes the Markdown report
// with its plot (gnuplot, PNG).
//
// Exit status 1 when an engine's answer differs or Kùzu failed on a case,
// after writing everything: the report says which. A difference listed in
// run.js's KNOWN_BUGS (Kùzu alone wrong, v1 and v2 agreeing) and a Kùzu
// run killed at the timeout (v1 and v2 agreeing) are reported, not failed
// on: they are Kùzu's, not a wrong answer.
//
// Usage: node report.js --maestro FILE --answers FILE --kuzu FILE
//                       --workload FILE --params FILE --out DIR
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { compareThree } = require('./compare');

function parseArgs(argv) {
  const opts = {};
  const names = ['maestro', 'answers', 'kuzu', 'workload', 'params', 'out'];
  const optional = ['preview'];  // scripts/bench-planpreview.sh's JSON
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i].replace(/^--/, '');
    if (![...names, ...optional].includes(k) || argv[i + 1] === undefined) {
      throw new Error(`unknown or incomplete option '${argv[i]}'`);
    }
    opts[k] = argv[i + 1];
  }
  for (const k of names) if (!opts[k]) throw new Error(`--${k} is required`);
  return opts;
}

const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));
const geomean = (xs) => Math.exp(xs.reduce((s, x) => s + Math.log(Math.max(x, 1e-9)), 0) / xs.length);
const caseKey = (c) => `${c.opId}/${c.case}`;

// Milliseconds with three significant digits, thousands separated.
function ms(x) {
  if (x === undefined || x === null) return '—';
  if (x >= 100) return Math.round(x).toLocaleString('en-US');
  return x >= 1 ? x.toPrecision(3) : x.toPrecision(2);
}
const ratio = (x) => (x === null || x === undefined ? '—' : x >= 0.1 ? x.toFixed(2) : x.toPrecision(2));

function machine() {
  const cpu = os.cpus()[0];
  return {
    nproc: os.availableParallelism ? os.availableParallelism() : os.cpus().length,
    cpu: cpu ? cpu.model : 'unknown',
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
}

// Per query: the geometric mean over its cases (so a query with four
// cases weighs as much as one with two), then over the queries. A query
// with a case without a value (Kùzu failed on it) has none.
function perQuery(cases, value) {
  const byOp = new Map();
  for (const c of cases) {
    if (!byOp.has(c.opId)) byOp.set(c.opId, []);
    byOp.get(c.opId).push(value(c));
  }
  return new Map([...byOp].filter(([, xs]) => !xs.includes(null)).map(([op, xs]) => [op, geomean(xs)]));
}

function plot(rows, pngFile, dir) {
  const data = path.join(dir, 'p95.dat');
  fs.writeFileSync(data, '# query v1 v2 kuzu (p95 ms, geometric mean over the cases)\n' +
    rows.map((r) => `${r.op.slice(0, 3)} ${r.v1} ${r.v2} ${r.kuzu ?? 'NaN'}`).join('\n') + '\n');
  const script = [
    "set terminal pngcairo size 1400,600 font 'sans,10'",
    `set output '${pngFile}'`,
    "set title 'p95 latency per top-20 query (geometric mean over its cases; log scale)'",
    "set ylabel 'p95 (ms)'",
    'set logscale y',
    'set grid ytics',
    'set style data histograms',
    'set style histogram clustered gap 1',
    'set style fill solid 0.9 border -1',
    'set boxwidth 0.9',
    'set key top left',
    'set yrange [0.005:*]',
    `plot '${data}' using 2:xtic(1) title 'maestro v1' lc rgb '#999999', ` +
      "'' using 3 title 'maestro v2' lc rgb '#1f77b4', '' using 4 title 'Kùzu 0.11.3' lc rgb '#ff7f0e'",
  ].join('\n');
  execFileSync('gnuplot', [], { input: script });
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const maestro = readJson(opts.maestro);
  const answers = new Map(readJson(opts.answers).cases.map((c) => [caseKey(c), c]));
  const kuzu = readJson(opts.kuzu);
  const kuzuCases = new Map(kuzu.cases.map((c) => [caseKey(c), c]));
  const params = readJson(opts.params);
  const queries = new Map();
  let current = null;
  for (const line of fs.readFileSync(opts.workload, 'utf8').split('\n')) {
    const m = /^\s*\/\/ opId:\s*(\S+)/.exec(line);
    if (m) queries.set((current = m[1]), '');
    else if (current && line.trim() && !line.trim().startsWith('//')) queries.set(current, (queries.get(current) + ' ' + line).trim());
  }

  // ---- merge and compare ----
  const cases = maestro.cases.map((c) => {
    const a = answers.get(caseKey(c));
    const k = kuzuCases.get(caseKey(c));
    if (!a) throw new Error(`${caseKey(c)}: no answers from maestro bench --answers`);
    const kuzuError = !k ? 'no result from run.js' : k.error || null;
    const cmp = compareThree(queries.get(c.opId) || '', a.v1, a.v2, kuzuError ? null : k.answer, kuzuError);
    const out = { ...c };
    out.kuzu = kuzuError ? { error: kuzuError, ...(k && k.timed_out ? { timed_out: true } : {}) }
                         : { p50_ms: k.p50_ms, p95_ms: k.p95_ms, max_ms: k.max_ms, rows: k.rows, rounds: k.rounds };
    out.v2_kuzu_p95_ratio = kuzuError ? null : c.v2.p95_ms / Math.max(k.p95_ms, 1e-9);
    out.same_answers = cmp.same_answers;
    out.difference = cmp.difference;
    const known = (kuzu.known_bugs || {})[c.opId];
    if (!cmp.same_answers && known && cmp.difference.startsWith('Kùzu differs from v1 and v2')) {
      out.known_kuzu_bug = known;
    }
    // Kùzu killed at the timeout while v1 and v2 agree (maestro's own check).
    out.kuzu_timed_out = Boolean(k && k.timed_out && c.same_answers);
    return out;
  });

  const v2v1 = perQuery(cases, (c) => c.v2.p95_ms / Math.max(c.v1.p95_ms, 1e-9));
  const v2k = perQuery(cases, (c) => c.v2_kuzu_p95_ratio);
  const worst = [...v2v1].reduce((w, e) => (e[1] > w[1] ? e : w));
  const summary = {
    ...maestro.summary,
    geomean_p95_ratio_per_query: geomean([...v2v1.values()]),
    worst_query: worst[0],
    worst_query_p95_ratio: worst[1],
    geomean_p95_v2_kuzu_per_query: v2k.size ? geomean([...v2k.values()]) : null,
    different_answers: cases.filter((c) => !c.same_answers).length,
    kuzu_failed: cases.filter((c) => c.kuzu.error).length,
    known_kuzu_bugs: cases.filter((c) => c.known_kuzu_bug).length,
  };
  const run = {
    scale: params.scale, seed: params.seed, runs: maestro.runs, warmup: maestro.warmup,
    machine: machine(),
    kuzu: { version: kuzu.version, threads: kuzu.threads, load_seconds: kuzu.load_seconds,
            translations: Object.fromEntries(Object.entries(kuzu.translations).map(([k, t]) => [k, t.why])) },
  };
  const preview = opts.preview ? readJson(opts.preview) : null;
  const { cases: _c, summary: _s, ...rest } = maestro;
  fs.mkdirSync(opts.out, { recursive: true });
  const planPreview = preview ? { c4: preview.c4, c1: preview.c1, duration: preview.duration,
                                  requests_cycled: preview.requests_cycled } : undefined;
  fs.writeFileSync(path.join(opts.out, 'latest.json'),
                   JSON.stringify({ ...rest, ...run, summary, plan_preview: planPreview, cases }, null, 2) + '\n');

  // ---- plot ----
  const p95 = (engine) => perQuery(cases, (c) => (c[engine].error ? null : c[engine].p95_ms));
  const [p1, p2, pk] = ['v1', 'v2', 'kuzu'].map(p95);
  const bars = [...v2v1.keys()].map((op) => ({ op, v1: p1.get(op), v2: p2.get(op), kuzu: pk.get(op) }));
  plot(bars, path.resolve(opts.out, 'p95.png'), fs.mkdtempSync(path.join(os.tmpdir(), 'maestro-plot-')));

  // ---- report ----
  const m = run.machine;
  const lines = [
    '# Benchmark: planner v1, planner v2 and Kùzu on the top-20 operations',
    '',
    'Written by `make bench` (`scripts/bench-planner.sh`); the data and the operations are those of',
    '`../shared/bench`. Times are per query execution as the client sees it (maestro: parse, plan and',
    'execute in process; Kùzu: prepare, execute and fetch the rows through its Node API).',
    '',
    `- scale ${run.scale}, seed ${run.seed}: ${maestro.nodes.toLocaleString('en-US')} nodes, ` +
      `${maestro.relationships.toLocaleString('en-US')} relationships`,
    `- at least ${run.runs} measured rounds per case after ${run.warmup} warm-up runs ` +
      '(as many as fit in about 6 s of each engine, up to 3,000); p50/p95 nearest-rank',
    `- Kùzu: a case whose one run takes over ${kuzu.budget} s is measured by that run alone (marked "1 run"); ` +
      `a run over ${kuzu.timeout} s is killed and its case marked failed`,
    `- Kùzu ${run.kuzu.version}, ${run.kuzu.threads} thread(s) per query (maestro runs a query on one), ` +
      `loaded (CSV conversion and COPY) in ${run.kuzu.load_seconds.toFixed(1)} s`,
    `- machine: ${m.nproc} cores (nproc), ${m.cpu}; ${m.date}`,
    '',
    '![p95 per query, v1, v2 and Kùzu](p95.png)',
    '',
    ...(bars.some((b) => b.kuzu === undefined)
      ? [`No Kùzu bar for ${bars.filter((b) => b.kuzu === undefined).map((b) => b.op).join(', ')}: ` +
         'Kùzu failed on a case of it (see the table).', '']
      : []),
    '## Summary',
    '',
    `- geometric mean of p95(v2)/p95(v1) over the 20 queries (each query: geometric mean over its cases): ` +
      `**${summary.geomean_p95_ratio_per_query.toFixed(3)}**` +
      ` (over the ${cases.length} cases, as \`maestro bench\` prints it: ${summary.geomean_p95_ratio.toFixed(3)})`,
    `- worst query: ${summary.worst_query} at ${summary.worst_query_p95_ratio.toFixed(2)}; ` +
      `worst case: ${summary.worst_case} at ${summary.worst_p95_ratio.toFixed(2)}`,
    `- geometric mean of p95(v2)/p95(Kùzu) over the ${v2k.size} queries Kùzu ran every case of: ` +
      `${summary.geomean_p95_v2_kuzu_per_query === null ? '—' : summary.geomean_p95_v2_kuzu_per_query.toFixed(3)}`,
    `- q-error of v2's estimates over ${summary.q_error_operators} operators: median ${summary.q_error_median.toFixed(2)}, ` +
      `p95 ${summary.q_error_p95.toFixed(2)}`,
    `- answers: ${cases.length - summary.different_answers} of ${cases.length} cases the same on all three engines` +
      (summary.kuzu_failed ? `; Kùzu failed on ${summary.kuzu_failed}` : '') +
      (summary.known_kuzu_bugs ? `; Kùzu alone wrong on ${summary.known_kuzu_bugs} (a known Kùzu bug, below)` : ''),
    `- planPreview's estP95 (the dataset's calibration at v2's estimated cost) against v2's measured p95: ` +
      `median factor ${summary.est_p95_factor_median.toFixed(2)}, p90 factor ${summary.est_p95_factor_p90.toFixed(2)}, ` +
      `${(100 * summary.est_p95_coverage).toFixed(0)}% of cases at or under the estimate`,
    ...(preview
      ? [`- planPreview under wrk over HTTP (${preview.duration}, cycling the ${preview.requests_cycled} cases, ` +
         `after ${preview.calibration_runs} calibrating runOp calls): ${preview.c4.rps.toFixed(0)} req/s at 4 connections ` +
         `(p50 ${preview.c4.p50_ms} ms, p99 ${preview.c4.p99_ms} ms); ${preview.c1.rps.toFixed(0)} req/s at 1 ` +
         `(p50 ${preview.c1.p50_ms} ms, p99 ${preview.c1.p99_ms} ms) — the seed's load is 15 req/s`]
      : []),
    '',
    '## Per operation and case',
    '',
    'p50 / p95 in ms. Ratios of p95: below 1, v2 is faster. est p95: planPreview\'s estimate for v2.',
    '',
    '| operation | case | rows | v1 p50 / p95 | v2 p50 / p95 | est p95 | Kùzu p50 / p95 | v2/v1 | v2/Kùzu | answers |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const c of cases) {
    const k = c.kuzu.error ? 'failed'
                           : `${ms(c.kuzu.p50_ms)} / ${ms(c.kuzu.p95_ms)}${c.kuzu.rounds === 1 ? ' (1 run)' : ''}`;
    const same = c.same_answers ? (c.difference ? `same (${c.difference})` : 'same')
                                : `**different**: ${c.difference}${c.known_kuzu_bug ? ' (known Kùzu bug)' : ''}`;
    lines.push(`| ${c.opId} | ${c.case} | ${c.rows} | ${ms(c.v1.p50_ms)} / ${ms(c.v1.p95_ms)} | ` +
               `${ms(c.v2.p50_ms)} / ${ms(c.v2.p95_ms)} | ${ms(c.est_p95_ms)} | ${k} | ${ratio(c.p95_ratio)} | ${ratio(c.v2_kuzu_p95_ratio)} | ${same.replace(/\|/g, '\\|')} |`);
  }
  lines.push('', '## Kùzu translations', '',
             'Operations Kùzu runs in its own dialect (bench/kuzu/run.js); the others run verbatim.', '');
  for (const [op, why] of Object.entries(run.kuzu.translations)) lines.push(`- ${op}: ${why}`);
  const bugs = Object.entries(kuzu.known_bugs || {});
  if (bugs.length) {
    lines.push('', '## Known Kùzu bugs', '', 'Answers Kùzu is known to get wrong (bench/kuzu/run.js, KNOWN_BUGS):', '');
    for (const [op, why] of bugs) lines.push(`- ${op}: ${why}`);
  }
  fs.writeFileSync(path.join(opts.out, 'report.md'), lines.join('\n') + '\n');

  console.log(`geometric mean of p95(v2)/p95(v1) over the queries: ${summary.geomean_p95_ratio_per_query.toFixed(3)}; ` +
              `worst query ${summary.worst_query} ${summary.worst_query_p95_ratio.toFixed(2)}`);
  console.log(`wrote ${path.join(opts.out, 'latest.json')}, report.md and p95.png`);
  for (const c of cases.filter((x) => !x.same_answers)) {
    console.error(`different answers: ${caseKey(c)}: ${c.difference}${c.known_kuzu_bug ? ' (known Kùzu bug)' : ''}`);
  }
  const bad = cases.filter((c) => !c.same_answers && !c.known_kuzu_bug && !c.kuzu_timed_out);
  if (bad.length) process.exit(1);
}

try {
  main();
} catch (e) {
  console.error(`bench/kuzu/report.js: ${e.message}`);
  process.exit(1);
}
