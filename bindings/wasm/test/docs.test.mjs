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
import { test } from 'node:test';

import { csa, example, runCli, sameAsCli } from './helpers.mjs';
import { options, parse, sessions, why } from './sessions.mjs';

/** How many sessions have no JavaScript equivalent (see `why` below). */
const SKIPPED = 7;

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
