// The documented Graph examples of tests/data/graph-examples/, run by the CLI (`--format json`)
// and by the package on the same documents: the same JSON, key for key and in order.
//
// - A01–A11 (assignments) and X05: `check` on sample-catalog.json. An update or removal starts
//   from the state its preconditions name: the state the CLI gives after the example it follows
//   (A07 after A04, ...). The body goes to the package as text and as a plain object.
// - D01–D21 (definition requests): `define` with the documented method, URL and body (D09's
//   verbatim body, which is not JSON, as text).
// - R01–R02 (reads): `view` of the documented response as the object.
// - Q01–Q03 (filters): `filter` with the documented query string and ConsistencyLevel over
//   docs/examples/tenant.jsonl.

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { csa, examplesDir, graphExamplesDir, runCli, sameAsCli, withoutPositions } from './helpers.mjs';

const dir = mkdtempSync(join(tmpdir(), 'entra-csa-examples-'));
const catalogFile = join(graphExamplesDir, 'sample-catalog.json');
const catalog = readFileSync(catalogFile, 'utf8');

/** Writes a document for the CLI; returns its path. */
function put(name, content) {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

function examples(sub) {
  return readdirSync(join(graphExamplesDir, sub))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(graphExamplesDir, sub, f), 'utf8')));
}

/** The example an update or removal follows (its preconditions: the state that one leaves). */
const FOLLOWS = { A07: 'A04', A08: 'A06', A09: 'A03', A10: 'A01', A11: 'A03' };

const assignments = new Map(examples('assignments').map((e) => [e.id, e]));
const kindOf = (e) => (e.request.url.includes('/servicePrincipals/') ? 'servicePrincipal' : 'user');

/** The object an assignment example targets, as Graph would return it. */
function objectFor(e) {
  const prior = FOLLOWS[e.id];
  const object = { id: e.id, '@odata.type': `#microsoft.graph.${kindOf(e)}` };
  if (prior) {
    const cli = runCli(['check', '--catalog', catalogFile, '--patch', put(`${prior}.body.json`, assignments.get(prior).request.body), '--format', 'json']);
    assert.equal(cli.status, 0, `${prior} is accepted: ${cli.stdout}`);
    object.customSecurityAttributes = JSON.parse(cli.stdout).customSecurityAttributes;
  }
  return object;
}

const patchExamples = [...assignments.values(), ...examples('errors').filter((e) => e.request?.body)];
assert.equal(patchExamples.length, 12, 'A01–A11 and X05');

for (const e of patchExamples) {
  test(`${e.id} (${e.operation}): check`, () => {
    const object = e.id.startsWith('A') ? objectFor(e) : undefined;
    const args = ['check', '--catalog', catalogFile, '--patch', put(`${e.id}.body.json`, e.request.body), '--format', 'json'];
    if (object) args.push('--object', put(`${e.id}.object.json`, object));
    const cli = runCli(args);
    if (e.id.startsWith('A')) assert.equal(cli.status, 0, `documented as accepted: ${cli.stdout}`);
    const text = JSON.stringify(e.request.body);
    sameAsCli(assert, cli, () => csa.check(catalog, text, { object: object && JSON.stringify(object) }), `${e.id} as text`);
    sameAsCli(assert, withoutPositions(cli), () => csa.check(JSON.parse(catalog), e.request.body, { object }), `${e.id} as objects`);
    const bytes = new TextEncoder().encode(text);
    const engine = new csa.Engine(catalog);
    try {
      sameAsCli(assert, cli, () => engine.check(bytes, { object }), `${e.id} through Engine, bytes`);
    } finally {
      engine.free();
    }
  });
}

for (const e of examples('definitions')) {
  test(`${e.id} (${e.operation}): define`, () => {
    const { method, url } = e.request;
    const body = e.request.body_raw ?? (e.request.body === null ? undefined : JSON.stringify(e.request.body));
    const args = ['define', '--catalog', catalogFile, '--method', method, '--path', url, '--format', 'json'];
    if (body !== undefined) args.push('--body', put(`${e.id}.body.json`, body));
    const cli = runCli(args);
    sameAsCli(assert, cli, () => csa.define(catalog, method, url, { body }), e.id);
  });
}

for (const e of examples('reads')) {
  test(`${e.id} (${e.operation}): view`, () => {
    const object = e.response.body;
    const cli = runCli(['view', '--catalog', catalogFile, '--object', put(`${e.id}.object.json`, object), '--format', 'json']);
    assert.equal(cli.status, 0);
    sameAsCli(assert, cli, () => csa.view(catalog, object), e.id);
  });
}

const tenant = readFileSync(join(examplesDir, 'tenant.jsonl'), 'utf8');
for (const e of examples('filters')) {
  test(`${e.id} (${e.operation}): filter`, () => {
    const query = e.request.url.slice(e.request.url.indexOf('?') + 1);
    const level = e.request.headers.ConsistencyLevel;
    const cli = runCli([
      'filter', '--catalog', catalogFile, '--objects', join(examplesDir, 'tenant.jsonl'),
      '--query', query, '--consistency-level', level, '--format', 'json',
    ]);
    sameAsCli(assert, cli, () => csa.filter(catalog, tenant, { query, consistencyLevel: level }), e.id);
    const engine = new csa.Engine(catalog);
    sameAsCli(assert, cli, () => engine.filter(tenant, { query, consistencyLevel: level }), `${e.id} (Engine)`);
    engine.free();
  });
}
