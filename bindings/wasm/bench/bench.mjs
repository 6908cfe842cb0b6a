// `npm run bench`: entra-csa's `engine.check` on the `evaluate_typical` inputs against what a
// JavaScript user would pick instead, `JSON.parse` + ajv validating against the JSON Schema
// generated from the same catalog (the Rust bench's `jsonschema_peer`), timed as in
// benches/interleaved.rs: each round times a batch of each (which goes first alternates), and
// the figure is the median of the per-round ratios, with its quartiles and the ratio of the
// fastest tenth of batches (load only adds time).
//
// The inputs come from `cargo bench --no-run --bench interleaved` then that binary's
// `dump DIR` (done here when DIR has no catalog.json; DIR defaults to target/bench-inputs).
// `node bench/bench.mjs [ROUNDS]` (default 400 rounds of 200 calls each).
//
// Also measured, to say what crossing the JS/Wasm boundary costs: the same check without the
// object and actor (read on every call), and what the wrapper does around the engine (copying
// the three documents into the module's memory as UTF-8, reading the report's JSON text back
// and JSON.parse of it), done in plain JavaScript on the same texts.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import Ajv2020 from 'ajv/dist/2020.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const require = createRequire(import.meta.url);
const csa = require(join(here, '..', 'pkg', 'node', 'index.cjs'));

const ROUNDS = Number(process.argv[2] ?? 400);
const BATCH = 200;

// ---------------------------------------------------------------------------------------------
// Inputs

const dir = process.env.CSA_BENCH_INPUTS ?? join(root, 'target', 'bench-inputs');
if (!existsSync(join(dir, 'catalog.json'))) {
  console.error('building the interleaved bench to dump its inputs...');
  const out = execFileSync('cargo', ['bench', '--no-run', '--bench', 'interleaved', '--message-format=json'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 28,
  });
  const exe = out
    .split('\n')
    .filter((l) => l.includes('"executable":"'))
    .map((l) => JSON.parse(l))
    .find((m) => m.target?.name === 'interleaved')?.executable;
  if (!exe) throw new Error('cargo did not name the interleaved bench binary');
  execFileSync(exe, ['dump', dir], { cwd: root, stdio: 'inherit' });
}
const read = (f) => readFileSync(join(dir, f), 'utf8');
const catalog = read('catalog.json');
const object = read('object.json');
const actor = read('actor.json');
const body = read('body.json');
const schema = JSON.parse(read('schema.json'));

// ---------------------------------------------------------------------------------------------
// The functions

const engine = new csa.Engine(catalog);
const ajv = new Ajv2020({ allErrors: false, strict: false });
const validate = ajv.compile(schema);

const first = engine.check(body, { object, actor });
if (!first.allowed || first.changes.length !== 10 || first.warnings.length !== 0) {
  throw new Error(`the typical body is not accepted as the Rust bench expects: ${JSON.stringify(first).slice(0, 400)}`);
}
if (!validate(JSON.parse(body))) throw new Error(`ajv refuses the typical body: ${JSON.stringify(validate.errors)}`);

let sink = 0;
const fns = {
  csa: () => {
    sink += engine.check(body, { object, actor }).changes.length;
  },
  ajv: () => {
    sink += validate(JSON.parse(body)) ? 1 : 0;
  },
  csa_no_object_actor: () => {
    sink += engine.check(body).changes.length;
  },
};

// The wrapper's own work around the engine, done in plain JavaScript: the three documents
// encoded as UTF-8 into a buffer (wasm-bindgen's string passing), the report's JSON text decoded
// from UTF-8 and parsed.
const reportText = JSON.stringify(first);
const reportBytes = new TextEncoder().encode(reportText);
const scratch = new Uint8Array(1 << 16);
const encoder = new TextEncoder();
const decoder = new TextDecoder();
fns.boundary = () => {
  encoder.encodeInto(body, scratch);
  encoder.encodeInto(object, scratch);
  encoder.encodeInto(actor, scratch);
  sink += JSON.parse(decoder.decode(reportBytes)).changes.length;
};

function batch(f) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < BATCH; i++) f();
  return Number(process.hrtime.bigint() - start) / BATCH;
}

const quartiles = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return [s[Math.floor(s.length / 4)], s[Math.floor(s.length / 2)], s[Math.floor((3 * s.length) / 4)]];
};
const tenth = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 10)];

/** Alternating rounds of `a` and `b`: the per-round ratios and each one's batch times. */
function interleave(a, b) {
  for (let i = 0; i < 20; i++) { batch(a); batch(b); } // warm-up: the JIT and the caches
  const ratios = [];
  const ta = [];
  const tb = [];
  for (let r = 0; r < ROUNDS; r++) {
    let x;
    let y;
    if (r % 2 === 0) {
      x = batch(a);
      y = batch(b);
    } else {
      y = batch(b);
      x = batch(a);
    }
    ta.push(x);
    tb.push(y);
    ratios.push(x / y);
  }
  return { ratios, ta, tb };
}

const us = (ns) => `${(ns / 1000).toFixed(2)} µs`;
const x = (r) => `${r.toFixed(2)}×`;

console.log(`entra-csa bench: evaluate_typical inputs (body ${Buffer.byteLength(body)} B, object ${Buffer.byteLength(object)} B, actor ${Buffer.byteLength(actor)} B, catalog ${Buffer.byteLength(catalog)} B)`);
console.log(`node ${process.version}, ${ROUNDS} rounds of ${BATCH} calls per function`);

const rows = [
  ['csa', 'ajv', 'engine.check(body, {object, actor}) / JSON.parse + ajv validate'],
  ['csa_no_object_actor', 'ajv', 'engine.check(body) (no object or actor to read) / JSON.parse + ajv'],
  ['boundary', 'ajv', 'the wrapper\'s copying and JSON.parse alone / JSON.parse + ajv'],
];
for (const [a, b, what] of rows) {
  const { ratios, ta, tb } = interleave(fns[a], fns[b]);
  const [q1, med, q3] = quartiles(ratios);
  console.log(
    `${what}: median ratio ${x(med)} (quartiles ${x(q1)}–${x(q3)}); ` +
      `medians ${us(quartiles(ta)[1])} / ${us(quartiles(tb)[1])}; fastest tenth ${us(tenth(ta))} / ${us(tenth(tb))} = ${x(tenth(ta) / tenth(tb))}`,
  );
}
if (sink === 0) console.log('');
engine.free();
