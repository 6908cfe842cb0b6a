// Every `$ csa ...` session of docs/CLI.md, run by the CLI with `--format json` and by the
// package on the same files: the same JSON, key for key and in the same order (or, where the CLI
// exits 2, a CsaInputError with the same violations). Nothing here is expected output written by
// hand: the CLI's live output is the expectation, so the test keeps holding when outputs change.
//
// A session with no JavaScript equivalent is skipped, named with its reason and counted (the
// test fails if a session is skipped for no listed reason, or if the count changes unnoticed:
// update SKIPPED when the page gains or loses one). Each function's session also runs through
// the compiled Engine where the Engine has that method.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { csa, example, examplesDir, root, runCli, sameAsCli } from './helpers.mjs';

/** How many sessions have no JavaScript equivalent (see `why` below). */
const SKIPPED = 5;

// ---------------------------------------------------------------------------------------------
// The page's sessions (the rules of tests/cli_docs.rs, which reads the same page)

function sessions() {
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
function parse(command) {
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

const FLAGS = new Set(['--allow-synced', '--audit', '--count', '--exclusive']);

/** The subcommand and its options: `{catalog: 'x.json', audit: true, ...}`. */
function options(args) {
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
function why(sub, o, args) {
  if (sub === 'demo') return 'the CLI demo';
  if (o.batch !== undefined) return 'a JSON Lines batch (`--batch`): JavaScript loops over engine.plan';
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

// ---------------------------------------------------------------------------------------------
// Each session as package calls

/** A document option: the file's text (as the CLI reads it), stdin's for `-`, or undefined. */
function reader(stdin) {
  return (name) => {
    if (name === undefined) return undefined;
    if (name === '-') return stdin;
    return example(name);
  };
}

/** The package's calls for one session: [label, thunk] pairs (the function, then the Engine). */
function calls(sub, o, stdin) {
  const file = reader(stdin);
  const text = (v) => (v === '-' ? stdin.replace(/[\r\n]+$/, '') : v);
  const common = { actor: file(o.actor), policy: file(o.policy) };
  const engine = () => new csa.Engine(file(o.catalog), common.policy);
  switch (sub) {
    case 'check': {
      const opts = {
        ...common,
        object: file(o.object),
        objectType: o['object-type'],
        allowSynced: o['allow-synced'],
        audit: o.audit,
      };
      const out = [['check', () => csa.check(file(o.catalog), file(o.patch), opts)]];
      if (!o['allow-synced']) {
        out.push([
          'Engine.check',
          () =>
            engine().check(file(o.patch), {
              object: opts.object,
              actor: opts.actor,
              objectType: opts.objectType,
              audit: opts.audit,
            }),
        ]);
      }
      return out;
    }
    case 'view':
      return [
        ['view', () => csa.view(file(o.catalog), file(o.object), common)],
        ['Engine.view', () => engine().view(file(o.object), { actor: common.actor })],
      ];
    case 'lint':
      return [['lint', () => csa.lint(file(o.catalog), { policy: common.policy })]];
    case 'plan': {
      const opts = { ...common, exclusive: o.exclusive, audit: o.audit };
      return [
        ['plan', () => csa.plan(file(o.catalog), file(o.object), file(o.desired), opts)],
        [
          'Engine.plan',
          () =>
            engine().plan(file(o.object), file(o.desired), {
              actor: opts.actor,
              exclusive: opts.exclusive,
              audit: opts.audit,
            }),
        ],
      ];
    }
    case 'apply':
      return [
        ['apply', () => csa.apply(file(o.catalog), file(o.object), file(o.changes), { policy: common.policy })],
        ['Engine.apply', () => engine().apply(file(o.object), file(o.changes))],
      ];
    case 'define':
      return [
        ['define', () => csa.define(file(o.catalog), o.method, o.path, { ...common, body: file(o.body) })],
      ];
    case 'evolve':
      return [
        ['evolve', () => csa.evolve(file(o.from), file(o.to), { objects: file(o.objects), policy: common.policy })],
      ];
    case 'search': {
      const opts = { set: o.set, actor: common.actor };
      return [
        ['search', () => csa.search(file(o.catalog), file(o.object), o.text, { ...opts, policy: common.policy })],
        ['Engine.search', () => engine().search(file(o.object), o.text, opts)],
      ];
    }
    case 'filter': {
      const opts = {
        filter: o.filter === undefined ? undefined : text(o.filter),
        query: o.query === undefined ? undefined : text(o.query),
        count: o.count,
        select: o.select,
        top: o.top === undefined ? undefined : Number(o.top),
        consistencyLevel: o['consistency-level'],
        objectType: o['object-type'],
        actor: common.actor,
      };
      return [
        ['filter', () => csa.filter(file(o.catalog), file(o.objects), opts)],
        ['Engine.filter', () => engine().filter(file(o.objects), opts)],
      ];
    }
    default:
      throw new Error(`no JavaScript mapping for \`csa ${sub}\``);
  }
}

// ---------------------------------------------------------------------------------------------

const all = sessions();
const skipped = [];

test('docs/CLI.md has sessions to compare', () => {
  assert.ok(all.length >= 40, `only ${all.length} sessions found`);
});

for (const s of all) {
  const { args, stdin } = parse(s.command);
  const { sub, o } = options(args);
  const reason = why(sub, o, args);
  if (reason) {
    skipped.push(`docs/CLI.md:${s.line} \`$ ${s.command}\`: ${reason}`);
    continue;
  }
  test(`docs/CLI.md:${s.line} $ ${s.command}`, () => {
    const jsonArgs = [...args];
    const at = jsonArgs.indexOf('--format');
    if (at >= 0) jsonArgs.splice(at, 2);
    jsonArgs.push('--format', 'json');
    const cli = runCli(jsonArgs, { input: stdin });
    for (const [label, call] of calls(sub, o, stdin)) {
      sameAsCli(assert, cli, call, `${label} for docs/CLI.md:${s.line}`);
    }
  });
}

test(`sessions without a JavaScript equivalent: exactly ${SKIPPED}`, (t) => {
  for (const line of skipped) t.diagnostic(`skipped ${line}`);
  assert.equal(skipped.length, SKIPPED, `skipped:\n${skipped.join('\n')}`);
});
