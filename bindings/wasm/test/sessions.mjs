// The `$ csa ...` sessions of docs/CLI.md (the rules of tests/it/cli/sessions.rs, which reads
// the same page), shared by docs.test.mjs and types.test.mjs.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { examplesDir, root } from './helpers.mjs';

export function sessions() {
  const lines = readFileSync(join(root, 'docs', 'CLI.md'), 'utf8').split('\n');
  const out = [];
  let inConsole = false;
  lines.forEach((line, i) => {
    if (line === '```console') inConsole = true;
    else if (line === '```') inConsole = false;
    else if (inConsole && line.startsWith('$ ') && line !== '$ echo $?') {
      out.push({ line: i + 1, command: line.slice(2) });
    }
  });
  return out;
}

/** `csa ARG...`, `echo 'TEXT' | csa ARG...` or `csa ARG... < FILE`: its args and stdin. */
export function parse(command) {
  let stdin;
  let rest = command;
  const echo = /^echo '(.*)' \| (.*)$/.exec(rest);
  if (echo) {
    stdin = `${echo[1]}\n`;
    rest = echo[2];
  }
  const redirect = / < (\S+)$/.exec(rest);
  if (redirect) {
    stdin = readFileSync(join(examplesDir, redirect[1]), 'utf8');
    rest = rest.slice(0, redirect.index);
  }
  const words = rest.split(' ');
  assert.equal(words.shift(), 'csa', `\`${command}\` does not run csa`);
  return { args: words, stdin };
}

/** csa's subcommands; any other word after `csa` on the page is a misspelt one. */
const SUBCOMMANDS = ['check', 'view', 'lint', 'define', 'evolve', 'search', 'filter', 'plan', 'apply', 'demo'];

const FLAGS = new Set(['--allow-synced', '--audit', '--count', '--exclusive']);

/** The subcommand and its options: `{catalog: 'x.json', audit: true, ...}`. */
export function options(args) {
  const [sub, ...rest] = args;
  const o = {};
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    assert.ok(flag.startsWith('--'), `unexpected argument ${flag}`);
    const name = flag.slice(2);
    if (FLAGS.has(flag)) o[name] = true;
    else o[name] = rest[++i];
  }
  return { sub, o };
}

/** Why a session has no JavaScript equivalent, or undefined. */
export function why(sub, o, args) {
  if (sub === 'demo') return 'the CLI demo';
  if (!SUBCOMMANDS.includes(sub)) return `\`csa ${sub}\` is no subcommand: a usage error`;
  if (o.batch !== undefined) {
    return 'a JSON Lines batch (`--batch`): JavaScript loops over engine.check or engine.plan';
  }
  if (args.filter((a) => a === '-').length > 1) return 'two documents on standard input: a usage error';
  if (sub === 'lint' && o.format === 'graph') return '`lint --format graph`: a usage error';
  if (o.out !== undefined) return '`--out` writes a file';
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'string' && v.endsWith('.json') && k !== 'path') {
      try {
        readFileSync(join(examplesDir, v));
      } catch {
        return `\`--${k} ${v}\`: a file that cannot be read`;
      }
    }
  }
  return undefined;
}

