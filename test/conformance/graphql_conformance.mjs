// GraphQL conformance of a running maestro server, with the reference tools:
//  1. graphql-http's server audits (the GraphQL-over-HTTP spec): every MUST
//     audit has to pass; SHOULD and MAY results are reported.
//  2. graphql-js: the standard introspection query's result must be accepted
//     by buildClientSchema (what GraphiQL and code generators do with it).
// Usage: node graphql_conformance.mjs http://127.0.0.1:PORT/graphql
import { serverAudits } from 'graphql-http';
import { buildClientSchema, getIntrospectionQuery, printSchema } from 'graphql';

const url = process.argv[2];
if (!url) {
  console.error('usage: node graphql_conformance.mjs URL');
  process.exit(2);
}

let failed = 0;
const tally = { MUST: [0, 0], SHOULD: [0, 0], MAY: [0, 0] };
for (const audit of serverAudits({ url, fetchFn: fetch })) {
  const result = await audit.fn();
  const level = audit.name.split(' ')[0];
  const ok = result.status === 'ok';
  tally[level][ok ? 0 : 1] += 1;
  if (!ok) {
    if (result.status === 'error') failed += 1;
    console.log(`${result.status.toUpperCase()} ${audit.id} ${audit.name}: ${result.reason}`);
  }
}
for (const [level, [ok, notOk]] of Object.entries(tally)) {
  console.log(`graphql-http ${level}: ${ok} passed, ${notOk} not passed`);
}

const response = await fetch(url, {
  method: 'POST',
  headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
  body: JSON.stringify({ query: getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, inputValueDeprecation: true }) }),
});
const body = await response.json();
if (response.status !== 200 || body.errors) {
  console.log(`introspection failed: HTTP ${response.status} ${JSON.stringify(body.errors)}`);
  failed += 1;
} else {
  try {
    const schema = buildClientSchema(body.data);
    const sdl = printSchema(schema);
    for (const needle of ['type Query', 'type Mutation', 'scalar JSON', 'runOp(']) {
      if (!sdl.includes(needle)) throw new Error(`printed schema lacks '${needle}'`);
    }
    console.log(`buildClientSchema: ok (${Object.keys(schema.getTypeMap()).length} types)`);
  } catch (e) {
    console.log(`buildClientSchema rejected the introspection result: ${e.message}`);
    failed += 1;
  }
}
process.exit(failed === 0 ? 0 : 1);
