// No input from JavaScript reaches a panic: random strings, random bytes, mutated documents and
// values of the wrong type fed to every function and Engine method give a result or a JavaScript
// exception (TypeError, CsaInputError), never a WebAssembly trap (a RuntimeError: `unreachable`
// is what a panic becomes with panic = "abort"). After all of it the module still answers.
//
// The generator is seeded (CSA_FUZZ_SEED, default 1) so a failure replays; CSA_FUZZ_ROUNDS sets
// how many random calls each function gets (default 1000).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { csa, example } from './helpers.mjs';

const SEED = Number(process.env.CSA_FUZZ_SEED ?? 1);
const ROUNDS = Number(process.env.CSA_FUZZ_ROUNDS ?? 1000);

// xorshift32: small, seeded, good enough to pick inputs.
let state = SEED >>> 0 || 1;
function rand(n) {
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state % n;
}
const pick = (list) => list[rand(list.length)];

const catalog = example('sample-catalog.json');
const docs = [
  catalog, example('assign.json'), example('mistakes.json'), example('user.json'),
  example('eng-admin.json'), example('desired.json'), example('changes.json'), example('tenant.jsonl'),
  example('catalog-v2.json'), example('delta.json'), example('redact.json'),
];
const ALPHABET = '{}[]":,\\ \n\t0123456789-+.eEtrufalsn@#/_abcABCé€😀\u0000\ud800';

function randomString() {
  let s = '';
  const n = rand(64);
  for (let i = 0; i < n; i++) s += ALPHABET[rand(ALPHABET.length)];
  return s;
}

/** A document mutated: bytes cut, repeated, replaced, or its structure nested. */
function mutated() {
  const d = pick(docs);
  switch (rand(6)) {
    case 0:
      return d.slice(0, rand(d.length + 1));
    case 1: {
      const at = rand(d.length + 1);
      return d.slice(0, at) + randomString() + d.slice(at);
    }
    case 2: {
      const bytes = new TextEncoder().encode(d);
      for (let i = 0; i < 4; i++) bytes[rand(bytes.length)] = rand(256);
      return bytes;
    }
    case 3:
      return '['.repeat(rand(3000)) + d;
    case 4:
      return `{"customSecurityAttributes": ${'{"a":'.repeat(rand(500))}1${'}'.repeat(rand(500))}}`;
    default:
      return d;
  }
}

const WRONG = [
  undefined, null, 0, -1, 1.5, NaN, true, false, 10n, Symbol('s'), () => 1, [], [1, 'a'], {},
  { customSecurityAttributes: 5 }, new Date(0), new Map(), new Int32Array(3), new ArrayBuffer(5),
  Object.create(null), { toJSON: () => undefined }, 'x'.repeat(1 << 16),
];

/** A document argument: mostly real or mutated documents, sometimes noise or a wrong type. */
function value() {
  const r = rand(20);
  if (r < 8) return pick(docs);
  if (r < 14) return mutated();
  if (r < 17) return randomString();
  return pick(WRONG);
}

/** A catalog argument: the real one most of the time, so the calls get past it. */
const cat = () => (rand(10) < 7 ? catalog : value());

const BOOLEAN = new Set(['allowSynced', 'audit', 'exclusive', 'count']);
const TEXT = {
  objectType: ['user', 'servicePrincipal', 'device', 'managedIdentity'],
  consistencyLevel: ['eventual'],
  set: ['Eng', 'm', ''],
  filter: ["customSecurityAttributes/Engineering/Project eq 'Baker'", "startsWith(customSecurityAttributes/Marketing/EmployeeId,'Q')"],
  query: ['$count=true&$filter=customSecurityAttributes/Marketing/AppCountry%20eq%20%27Canada%27'],
  select: ['id,displayName', ['id', 'customSecurityAttributes']],
  top: [0, 1, 5],
};

/** An options object: mostly well-typed values, sometimes a wrong type or no object at all. */
function opts(names) {
  if (rand(20) === 0) return pick(WRONG);
  const o = {};
  for (const n of names) {
    if (rand(2)) continue;
    if (rand(10) === 0) o[n] = pick(WRONG);
    else if (BOOLEAN.has(n)) o[n] = rand(2) === 0;
    else if (TEXT[n]) o[n] = rand(4) ? pick(TEXT[n]) : randomString();
    else o[n] = value();
  }
  return o;
}

const engine = new csa.Engine(catalog);
const targets = {
  check: () => csa.check(cat(), value(), opts(['object', 'actor', 'policy', 'objectType', 'allowSynced', 'audit'])),
  view: () => csa.view(cat(), value(), opts(['actor', 'policy'])),
  lint: () => csa.lint(value(), opts(['policy'])),
  plan: () => csa.plan(cat(), value(), value(), opts(['actor', 'policy', 'exclusive', 'audit'])),
  apply: () => csa.apply(cat(), value(), value(), opts(['policy'])),
  define: () => csa.define(cat(), pick(['GET', 'post', 'PATCH', 'DELETE', 'PUT', value()]), pick(['/directory/attributeSets', '/directory/customSecurityAttributeDefinitions/Engineering_Project/allowedValues', value()]), opts(['body', 'actor', 'policy'])),
  evolve: () => csa.evolve(cat(), value(), opts(['objects', 'policy'])),
  search: () => csa.search(cat(), value(), pick(['', 'c', value()]), opts(['set', 'actor', 'policy'])),
  filter: () => csa.filter(cat(), value(), opts(['filter', 'query', 'count', 'select', 'top', 'consistencyLevel', 'objectType', 'actor', 'policy'])),
  'new Engine': () => new csa.Engine(cat(), rand(2) ? undefined : value()).free(),
  'Engine.check': () => engine.check(value(), opts(['object', 'actor', 'objectType', 'audit'])),
  'Engine.view': () => engine.view(value(), opts(['actor'])),
  'Engine.plan': () => engine.plan(value(), value(), opts(['actor', 'exclusive', 'audit'])),
  'Engine.apply': () => engine.apply(value(), value()),
  'Engine.search': () => engine.search(value(), pick(['', 'e', value()]), opts(['set', 'actor'])),
  'Engine.filter': () => engine.filter(value(), opts(['filter', 'query', 'count', 'select', 'top', 'consistencyLevel', 'objectType', 'actor'])),
};

for (const [name, call] of Object.entries(targets)) {
  test(`${name}: ${ROUNDS} random calls give results or exceptions, never a trap`, (t) => {
    const seen = { result: 0, TypeError: 0, CsaInputError: 0 };
    for (let i = 0; i < ROUNDS; i++) {
      try {
        const r = call();
        seen.result++;
        if (r !== undefined) assert.equal(typeof r, 'object');
      } catch (e) {
        if (e instanceof WebAssembly.RuntimeError) {
          assert.fail(`${name}: a WebAssembly trap (seed ${SEED}, call ${i}): ${e.stack}`);
        }
        assert.ok(
          e instanceof TypeError || e instanceof csa.CsaInputError,
          `${name}: ${e && e.constructor && e.constructor.name}: ${e && e.message}`,
        );
        seen[e instanceof csa.CsaInputError ? 'CsaInputError' : 'TypeError']++;
      }
    }
    t.diagnostic(`${JSON.stringify(seen)}`);
    assert.ok(seen.result + seen.CsaInputError > 0, `${name}: every call was a TypeError`);
  });
}

test('after all of it the module still answers', () => {
  assert.equal(csa.check(catalog, example('assign.json')).allowed, true);
  assert.equal(engine.check(example('assign.json')).allowed, true);
  engine.free();
});
