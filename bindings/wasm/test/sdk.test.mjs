// Interop with Microsoft's JavaScript SDK: users built as the Graph docs' TypeScript snippets
// build them (the attribute sets in `customSecurityAttributes.additionalData`), serialised by
// @microsoft/msgraph-sdk's `serializeUser` through kiota's JSON writer, then checked by the
// package as the bytes the SDK would send. For every documented assignment example (string,
// multi-string, Int32, multi-Int32, Boolean, updates, `null` and `[]` removals) the package
// decides the SDK's body exactly as the CLI decides the documented one; the observed empty
// string (X05) is refused.

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { JsonSerializationWriter } from '@microsoft/kiota-serialization-json';
import { serializeUser } from '@microsoft/msgraph-sdk/models/index.js';

import { csa, graphExamplesDir, runCli, sameAsCli } from './helpers.mjs';

const catalogFile = join(graphExamplesDir, 'sample-catalog.json');
const catalog = readFileSync(catalogFile, 'utf8');
const engine = new csa.Engine(catalog);
const dir = mkdtempSync(join(tmpdir(), 'entra-csa-sdk-'));

/** What the SDK sends for `user`: the bytes of kiota's JSON writer. */
function sdkBody(user) {
  const writer = new JsonSerializationWriter();
  writer.writeObjectValue(undefined, user, serializeUser);
  return new Uint8Array(writer.getSerializedContent());
}

const load = (sub) =>
  readdirSync(join(graphExamplesDir, sub))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(graphExamplesDir, sub, f), 'utf8')));

/** The example an update or removal follows (its preconditions). */
const FOLLOWS = { A07: 'A04', A08: 'A06', A09: 'A03', A10: 'A01', A11: 'A03' };
const assignments = load('assignments');
const byId = new Map(assignments.map((e) => [e.id, e]));
const X05 = load('errors').find((e) => e.id === 'X05');

/** The documented body as an SDK `User` (the docs' TypeScript snippets write it this way). */
const asSdkUser = (body) => ({ customSecurityAttributes: { additionalData: body.customSecurityAttributes } });

for (const e of [...assignments, X05]) {
  test(`${e.id} (${e.operation}): the SDK's body is decided as the documented one`, () => {
    const sent = sdkBody(asSdkUser(e.request.body));
    // The SDK writes the documented JSON (same keys, same order).
    assert.equal(new TextDecoder().decode(sent), JSON.stringify(e.request.body));

    const kind = e.request.url.includes('/servicePrincipals/') ? 'servicePrincipal' : 'user';
    const prior = FOLLOWS[e.id];
    let object;
    if (prior) {
      const before = engine.check(sdkBody(asSdkUser(byId.get(prior).request.body)), { objectType: kind });
      assert.equal(before.allowed, true);
      object = { '@odata.type': `#microsoft.graph.${kind}`, customSecurityAttributes: before.customSecurityAttributes };
    }
    const result = engine.check(sent, { object, objectType: kind });
    if (e.id.startsWith('A')) {
      assert.equal(result.allowed, true, JSON.stringify(result.violations));
      assert.equal(result.changes.length, 1);
    } else {
      assert.equal(result.allowed, false);
      assert.equal(result.violations[0].code, 'empty_string');
    }

    // And exactly as the CLI decides the documented body.
    const args = ['check', '--catalog', catalogFile, '--patch', '-', '--object-type', kind, '--format', 'json'];
    if (object) {
      const file = join(dir, `${e.id}.object.json`);
      writeFileSync(file, JSON.stringify(object));
      args.push('--object', file);
    }
    const cli = runCli(args, { input: JSON.stringify(e.request.body) });
    sameAsCli(assert, cli, () => csa.check(catalog, sent, { object, objectType: kind }), e.id);
  });
}
