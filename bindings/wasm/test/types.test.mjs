// The TypeScript types (pkg/index.d.ts, written by hand from the serialisers until docs/schema/
// holds the output contract's JSON Schemas) against the CLI's live output: every docs/CLI.md
// session's `--format json` output and every documented assignment's report become object
// literals assigned to the type the package declares for them, and `tsc --strict` compiles
// them. Object literals get TypeScript's excess-property check, so a key the CLI prints that
// the types lack fails, as does a missing one or a wrong type. The API's signatures are
// exercised the same way.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { graphExamplesDir, packageDir, runCli } from './helpers.mjs';
import { options, parse, sessions, why } from './sessions.mjs';

const TYPE = {
  check: 'CheckReport', plan: 'CheckReport', view: 'ViewReport', lint: 'LintReport', define: 'DefineReport',
  evolve: 'EvolveReport', search: 'SearchReport', filter: 'FilterReport', apply: 'Applied',
};

test('the types accept what the CLI prints, and nothing else', () => {
  const lines = [];
  let n = 0;
  const add = (type, json) => lines.push(`const r${n++}: ${type} = ${json};`);

  for (const s of sessions()) {
    const { args, stdin } = parse(s.command);
    const { sub, o } = options(args);
    if (why(sub, o, args)) continue;
    const jsonArgs = [...args];
    const at = jsonArgs.indexOf('--format');
    if (at >= 0) jsonArgs.splice(at, 2);
    const cli = runCli([...jsonArgs, '--format', 'json'], { input: stdin });
    if (cli.status === 2) {
      if (cli.stdout.trim()) add("ReturnType<CsaInputError['toJSON']>", cli.stdout);
    } else {
      add(TYPE[sub], cli.stdout);
    }
  }
  const catalog = join(graphExamplesDir, 'sample-catalog.json');
  const dir = mkdtempSync(join(tmpdir(), 'entra-csa-types-'));
  for (const f of readdirSync(join(graphExamplesDir, 'assignments')).sort()) {
    const e = JSON.parse(readFileSync(join(graphExamplesDir, 'assignments', f), 'utf8'));
    const body = join(dir, f);
    writeFileSync(body, JSON.stringify(e.request.body));
    add('CheckReport', runCli(['check', '--catalog', catalog, '--patch', body, '--format', 'json', '--audit']).stdout);
    add('PatchBody', JSON.stringify(e.request.body));
  }
  assert.ok(n > 40, `${n} outputs`);

  const source = `import type {
  Applied, CheckReport, CsaInputError, DefineReport, EvolveReport, FilterReport, LintReport, PatchBody,
  SearchReport, ViewReport,
} from ${JSON.stringify(join(packageDir, 'pkg', 'index'))};
import { Engine, check, define, filter, plan, type Violation } from ${JSON.stringify(join(packageDir, 'pkg', 'index'))};

${lines.join('\n')}

// The API's signatures.
const catalog = { attributeSets: [], customSecurityAttributeDefinitions: [] };
const report: CheckReport = check(catalog, '{}', { objectType: 'user', allowSynced: true, locate: true });
if (!report.allowed) {
  const v: Violation = report.violations[0];
  const where: number | undefined = v.span?.start;
  void where;
} else {
  const state = report.customSecurityAttributes;
  void state;
}
const engine = new Engine(new Uint8Array(), undefined, { locate: true });
engine.check({ customSecurityAttributes: {} }, { object: { '@odata.type': '#microsoft.graph.user' }, actor: '{}' });
engine.free();
plan(catalog, '{}', { customSecurityAttributes: null }, { exclusive: true });
filter(catalog, [], { filter: 'x', count: true, select: ['id'], top: 1, consistencyLevel: 'eventual' });
define(catalog, 'GET', '/directory/attributeSets');
// @ts-expect-error: objectType is one of four names
check(catalog, '{}', { objectType: 'group' });
// @ts-expect-error: an unknown option
check(catalog, '{}', { objecttype: 'user' });
`;
  const file = join(dir, 'types-check.ts');
  writeFileSync(file, source);
  const require = createRequire(import.meta.url);
  const tsc = join(require.resolve('typescript/package.json'), '..', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [
    tsc, '--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext',
    '--lib', 'es2022,dom,esnext.disposable', '--skipLibCheck', 'false', file,
  ], { encoding: 'utf8' });
  assert.equal(r.status, 0, `tsc:\n${r.stdout}${r.stderr}`);
});
