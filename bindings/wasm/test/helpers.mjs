// Shared by the package's tests: where things are, the built package, and running the CLI.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const packageDir = join(here, '..');
export const root = join(packageDir, '..', '..');
export const examplesDir = join(root, 'docs', 'examples');
export const graphExamplesDir = join(root, 'tests', 'data', 'graph-examples');

const require = createRequire(import.meta.url);
/** The built package's CommonJS entry, as `require('entra-csa')` loads it in Node. */
export const csa = require(join(packageDir, 'pkg', 'node', 'index.cjs'));

/** The `csa` binary: $CSA_BIN, or target/debug/csa (`cargo build --features cli`). */
export const csaBin = process.env.CSA_BIN ?? join(root, 'target', 'debug', 'csa');
if (!existsSync(csaBin)) {
  throw new Error(`no csa binary at ${csaBin}: run \`cargo build --features cli\` or set CSA_BIN`);
}

/** Runs the CLI in `cwd` with `args` (and `input` on standard input). */
export function runCli(args, { cwd = examplesDir, input } = {}) {
  const r = spawnSync(csaBin, args, { cwd, input: input ?? '', encoding: 'utf8' });
  if (r.error) throw r.error;
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/** A file of docs/examples/ (or another directory) as text. */
export function example(name, dir = examplesDir) {
  return readFileSync(join(dir, name), 'utf8');
}

/**
 * Compares what the package returned (or threw) with the CLI's run: exit 0/1 and the same JSON
 * (key for key, in the same order); exit 2 and a CsaInputError (with the CLI's JSON, when it
 * prints one). `call` is the package's call; `cli` the CLI's result with `--format json`.
 */
export function sameAsCli(assert, cli, call, what) {
  let result;
  let thrown;
  try {
    result = call();
  } catch (e) {
    thrown = e;
  }
  if (cli.status === 0 || cli.status === 1) {
    if (thrown) {
      assert.fail(`${what}: the CLI exited ${cli.status} but the package threw ${thrown.stack}`);
    }
    const expected = JSON.parse(cli.stdout);
    assert.deepStrictEqual(result, expected, `${what}: not what the CLI prints`);
    // Same keys in the same order (deepStrictEqual ignores the order of keys).
    assert.strictEqual(JSON.stringify(result), JSON.stringify(expected), `${what}: key order`);
    return 'report';
  }
  assert.strictEqual(cli.status, 2, `${what}: the CLI exited ${cli.status}: ${cli.stderr}`);
  if (!thrown) assert.fail(`${what}: the CLI exited 2 (${cli.stderr.trim()}) but the package returned`);
  assert.ok(
    thrown instanceof csa.CsaInputError,
    `${what}: expected a CsaInputError, got ${thrown && thrown.stack}`,
  );
  assert.ok(Array.isArray(thrown.violations) && thrown.violations.length > 0, `${what}: violations`);
  if (cli.stdout.trim() !== '') {
    const expected = JSON.parse(cli.stdout);
    assert.deepStrictEqual(JSON.parse(JSON.stringify(thrown)), expected, `${what}: error JSON`);
    assert.strictEqual(JSON.stringify(thrown), JSON.stringify(expected), `${what}: key order`);
  }
  return 'error';
}

/**
 * The CLI's run `cli` as it would print documents given as parsed data: without the `offset`,
 * `line` and `column` of its violations and warnings (an `invalid_filter` keeps its `offset`).
 */
export function withoutPositions(cli) {
  if (cli.status !== 0 && cli.status !== 1) return cli;
  const strip = (value) => {
    if (Array.isArray(value)) return value.map(strip);
    if (value === null || typeof value !== 'object') return value;
    const finding = 'code' in value && 'pointer' in value;
    const placed = value.code === 'invalid_filter' ? ['line', 'column'] : ['offset', 'line', 'column'];
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !(finding && placed.includes(k)))
        .map(([k, v]) => [k, strip(v)]),
    );
  };
  return { ...cli, stdout: JSON.stringify(strip(JSON.parse(cli.stdout))) };
}
