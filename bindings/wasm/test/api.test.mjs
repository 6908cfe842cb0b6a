// The package's shape: both Node entry points (require and import) without init(), one
// CsaInputError class for both, documents as strings, bytes, ArrayBuffers and objects, option
// checking, and the Engine's lifetime.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';

import { csa, example, packageDir, runCli, sameAsCli } from './helpers.mjs';

const catalog = example('sample-catalog.json');
const assign = example('assign.json');
const NAMES = ['check', 'view', 'lint', 'plan', 'apply', 'define', 'evolve', 'search', 'filter', 'Engine', 'CsaInputError'];

test('require and import of the package name give the same API, ready to call', async () => {
  const require = createRequire(join(packageDir, 'pkg', 'package.json'));
  // Resolved through package.json "exports", as a user's `require('entra-csa')` would be.
  const required = require(join(packageDir, 'pkg'));
  const imported = await import(join(packageDir, 'pkg', 'node', 'index.mjs'));
  for (const name of NAMES) {
    assert.equal(typeof required[name], 'function', `require: ${name}`);
    assert.equal(imported[name], required[name], `import and require share ${name}`);
  }
  assert.equal(imported.check(catalog, assign).allowed, true);
  assert.equal(required.check(catalog, assign).allowed, true);
});

test('by its name, through package.json exports: require and import in Node, no init()', async () => {
  const { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { spawnSync } = await import('node:child_process');
  const dir = mkdtempSync(join(tmpdir(), 'entra-csa-user-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(join(packageDir, 'pkg'), join(dir, 'node_modules', 'entra-csa'), 'dir');
  const catalogFile = JSON.stringify(join(packageDir, '..', '..', 'docs', 'examples', 'sample-catalog.json'));
  const body = JSON.stringify(assign);
  writeFileSync(join(dir, 'a.cjs'), `const { check, Engine } = require('entra-csa');
const catalog = require('fs').readFileSync(${catalogFile}, 'utf8');
console.log(check(catalog, ${body}).allowed, typeof Engine, require.resolve('entra-csa'));`);
  writeFileSync(join(dir, 'b.mjs'), `import { check, CsaInputError } from 'entra-csa';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const cjs = createRequire(import.meta.url)('entra-csa');
console.log(check(readFileSync(${catalogFile}, 'utf8'), ${body}).allowed, CsaInputError === cjs.CsaInputError, import.meta.resolve('entra-csa'));`);
  for (const [file, entry] of [['a.cjs', 'node/index.cjs'], ['b.mjs', 'node/index.mjs']]) {
    const r = spawnSync(process.execPath, [file], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const [allowed, second, resolved] = r.stdout.trim().split(' ');
    assert.equal(allowed, 'true');
    assert.ok(second === 'function' || second === 'true', r.stdout);
    assert.ok(resolved.endsWith(entry), `${file} resolved ${resolved}`);
  }
});

test('package.json: named entra-csa, exports for node (import, require) and the browser', async () => {
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(join(packageDir, 'pkg', 'package.json'), 'utf8'));
  assert.equal(pkg.name, 'entra-csa');
  const root = pkg.exports['.'];
  assert.equal(root.node.require, './node/index.cjs');
  assert.equal(root.node.import, './node/index.mjs');
  assert.equal(root.browser.default, './web/index.js');
  assert.ok(root.node.types && root.browser.types);
});

test('a document may be a string, a Uint8Array, an ArrayBuffer or a plain object', () => {
  const bytes = new TextEncoder().encode(assign);
  const expected = csa.check(catalog, assign);
  assert.deepEqual(csa.check(catalog, bytes), expected);
  assert.deepEqual(csa.check(catalog, bytes.buffer), expected);
  assert.deepEqual(csa.check(JSON.parse(catalog), JSON.parse(assign)), expected);
  assert.deepEqual(csa.check(Buffer.from(catalog), assign), expected);
});

test('a plain object keeps its key order (a plan follows the desired state)', () => {
  const object = JSON.parse(example('user.json'));
  const desired = JSON.parse(example('desired.json'));
  const fromText = csa.plan(catalog, example('user.json'), example('desired.json'));
  const fromObjects = csa.plan(JSON.parse(catalog), object, desired);
  assert.equal(JSON.stringify(fromObjects), JSON.stringify(fromText));
});

test('an input csa cannot use throws a CsaInputError with its violations', () => {
  assert.throws(
    () => csa.check(example('bad-catalog.json'), assign),
    (e) => {
      assert.ok(e instanceof csa.CsaInputError);
      assert.ok(e instanceof Error);
      assert.equal(e.name, 'CsaInputError');
      assert.equal(e.error, 'invalid_catalog');
      assert.equal(e.document, 'catalog');
      assert.equal(e.violations[0].code, 'boolean_collection');
      assert.match(e.message, /^invalid catalog: boolean_collection at /);
      return true;
    },
  );
  assert.throws(
    () => csa.check(catalog, assign, { actor: example('bad-actor.json') }),
    (e) => e instanceof csa.CsaInputError && e.error === 'invalid_actor' && e.document === 'actor',
  );
  // A PATCH body that is not JSON is a refused request, not an input error.
  assert.equal(csa.check(catalog, '{').violations[0].code, 'invalid_json');
});

test('options are checked: unknown names and wrong types are TypeErrors', () => {
  assert.throws(() => csa.check(catalog, assign, { objecttype: 'device' }), TypeError);
  assert.throws(() => csa.check(catalog, assign, { objectType: 'group' }), TypeError);
  assert.throws(() => csa.check(catalog, assign, { allowSynced: 'yes' }), TypeError);
  assert.throws(() => csa.check(catalog, assign, 'options'), TypeError);
  assert.throws(() => csa.check(catalog), TypeError);
  assert.throws(() => csa.check(catalog, 42), TypeError);
  assert.throws(() => csa.define(catalog, 'FETCH', '/directory/attributeSets'), TypeError);
  assert.throws(() => csa.filter(catalog, '[]', { top: -1 }), TypeError);
  assert.throws(() => csa.filter(catalog, '[]', { select: [1] }), TypeError);
  assert.throws(() => csa.search(catalog, example('user.json'), 7), TypeError);
  // Missing options are the defaults; null is the same as undefined.
  assert.deepEqual(csa.check(catalog, assign, null), csa.check(catalog, assign, {}));
});

test('the Engine decides as the one-shot functions do, until it is freed', () => {
  const engine = new csa.Engine(catalog);
  const user = example('user.json');
  const actor = example('eng-admin.json');
  assert.deepEqual(engine.check(assign, { object: user, actor }), csa.check(catalog, assign, { object: user, actor }));
  assert.deepEqual(engine.view(user), csa.view(catalog, user));
  assert.deepEqual(engine.search(user, 'c'), csa.search(catalog, user, 'c'));
  engine.free();
  engine.free();
  assert.throws(() => engine.check(assign), /freed/);
  assert.throws(() => new csa.Engine(example('bad-catalog.json')), csa.CsaInputError);
  assert.throws(() => new csa.Engine(catalog, '{"maxBodyBytes": "x"}'), csa.CsaInputError);
});

test('Engine.apply refuses an oversized changes document as csa apply does', () => {
  const policy = '{"maxBodyBytes": 16}';
  const changes = example('changes.json');
  const user = example('user.json');
  const engine = new csa.Engine(catalog, policy);
  let a;
  let b;
  try {
    csa.apply(catalog, user, changes, { policy });
  } catch (e) {
    a = e;
  }
  try {
    engine.apply(user, changes);
  } catch (e) {
    b = e;
  }
  assert.ok(a instanceof csa.CsaInputError && b instanceof csa.CsaInputError);
  assert.equal(a.violations[0].code, 'payload_too_large');
  assert.deepEqual(b.toJSON(), a.toJSON());
  engine.free();
});

test('locate: each violation gets its document and span, for an editor', () => {
  const patch = example('mistakes.json');
  const plainReport = csa.check(catalog, patch);
  const located = csa.check(catalog, patch, { locate: true });
  // Without locate, nothing is added; with it, only document and span are.
  assert.equal(plainReport.violations[0].span, undefined);
  for (const [i, v] of located.violations.entries()) {
    const { document, span, ...rest } = v;
    assert.deepEqual(rest, plainReport.violations[i]);
    assert.equal(document, 'body');
    assert.ok(span.end > span.start);
  }
  const wrongCase = located.violations.find((v) => v.code === 'value_not_predefined');
  assert.equal(patch.slice(wrongCase.span.start, wrongCase.span.end), '"baker"');
  // Offsets count UTF-16 code units, as JavaScript strings do.
  const shifted = patch.replace('{"customSecurityAttributes"', '{"note😀": "é", "customSecurityAttributes"');
  assert.notEqual(shifted, patch);
  const again = csa.check(catalog, shifted, { locate: true }).violations.find((v) => v.code === 'value_not_predefined');
  assert.equal(shifted.slice(again.span.start, again.span.end), '"baker"');
  // An input error's violations are located too.
  assert.throws(
    () => csa.check(example('bad-catalog.json'), patch, { locate: true }),
    (e) => e.violations[0].document === 'catalog' && e.violations[0].span.end > e.violations[0].span.start,
  );
});

test('Engine.check reads a changed object or actor again, also after a refused document', () => {
  const engine = new csa.Engine(catalog);
  const user = example('user.json');
  const admin = example('eng-admin.json');
  const reader = example('mkt-reader.json');
  const fresh = '{"@odata.type": "#microsoft.graph.user"}';
  const expect = (object, actor) => csa.check(catalog, assign, { object, actor });
  assert.deepEqual(engine.check(assign, { object: user, actor: admin }), expect(user, admin));
  assert.deepEqual(engine.check(assign, { object: user, actor: admin }), expect(user, admin));
  assert.deepEqual(engine.check(assign, { object: fresh, actor: admin }), expect(fresh, admin));
  assert.deepEqual(engine.check(assign, { object: fresh, actor: reader }), expect(fresh, reader));
  assert.deepEqual(engine.check(assign, { object: fresh, actor: admin }), expect(fresh, admin));
  // The object is read (and kept by the module), then the actor is refused...
  assert.throws(() => engine.check(assign, { object: user, actor: '{"roleAssignments": 1}' }), csa.CsaInputError);
  // ...so the object checked next is read again, not taken for the one kept.
  assert.notDeepEqual(expect(fresh, admin), expect(user, admin));
  assert.deepEqual(engine.check(assign, { object: fresh, actor: admin }), expect(fresh, admin));
  assert.deepEqual(engine.check(assign, { object: user, actor: reader, objectType: 'device' }), csa.check(catalog, assign, { object: user, actor: reader, objectType: 'device' }));
  assert.deepEqual(engine.check(assign, { object: user, actor: reader }), expect(user, reader));
  assert.deepEqual(engine.check(assign), csa.check(catalog, assign));
  engine.free();
});

test('a body as text has the places csa check prints, also through an Engine; as an object, none', () => {
  const mistakes = example('mistakes.json');
  const args = ['check', '--catalog', 'sample-catalog.json', '--patch', 'mistakes.json', '--format', 'json'];
  const cli = runCli(args);
  const printed = JSON.parse(cli.stdout);
  const found = (report) => [...report.violations, ...report.warnings];
  assert.ok(found(printed).length >= 2 && found(printed).every((f) => 'line' in f && 'column' in f));
  const engine = new csa.Engine(catalog);
  sameAsCli(assert, cli, () => csa.check(catalog, mistakes), 'check, text');
  sameAsCli(assert, cli, () => engine.check(mistakes), 'Engine.check, text');
  for (const report of [csa.check(catalog, JSON.parse(mistakes)), engine.check(JSON.parse(mistakes))]) {
    assert.equal(found(report).length, found(printed).length);
    for (const f of found(report)) {
      for (const k of ['offset', 'line', 'column']) assert.ok(!(k in f), `${k} in ${JSON.stringify(f)}`);
    }
  }
  // A plan places what it refuses in the desired state given as text.
  const desired = '{"Engineering": {\n  "NumVendors": "eight"}}';
  const [v] = engine.plan('{"id": "u1"}', desired).violations;
  assert.deepEqual([v.line, v.column], [2, 17]);
  const [w] = engine.plan({ id: 'u1' }, JSON.parse(desired)).violations;
  assert.ok(!('line' in w) && !('offset' in w), JSON.stringify(w));
  engine.free();
});
