// `npm run build`: builds the npm package `entra-csa` into pkg/, as `npm pack` packs it.
//
// 1. the wasm32-unknown-unknown target and the wasm-bindgen CLI pinned by Cargo.toml
//    (`wasm-bindgen = "=X"`), each installed when missing;
// 2. `cargo build -p csa-wasm --target wasm32-unknown-unknown --profile wasm-release` (the
//    profile is at the workspace root: small code, LTO, panic = "abort"), with
//    `-Cllvm-args=-inline-threshold=75` in the target's rustflags;
// 3. wasm-bindgen twice on that module: `--target nodejs` (CommonJS, loaded synchronously, so
//    the functions work right after `require`/`import`) into pkg/node/ and `--target web` (an
//    ES module with `init()`) into pkg/web/;
// 4. the API (js/core.js) wrapped into each entry point, the types, package.json, README.

import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const pkg = join(here, 'pkg');
const TARGET = 'wasm32-unknown-unknown';
const PROFILE = 'wasm-release';

function run(program, args, options = {}) {
  console.error(`$ ${program} ${args.join(' ')}`);
  const r = spawnSync(program, args, { stdio: 'inherit', cwd: root, ...options });
  if (r.error) throw new Error(`cannot start ${program}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${program} ${args.join(' ')} failed (exit ${r.status})`);
}

function output(program, args) {
  try {
    return execFileSync(program, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '';
  }
}

// 1. The toolchain pieces.
const manifest = readFileSync(join(here, 'Cargo.toml'), 'utf8');
const pinned = /^wasm-bindgen\s*=\s*"=([^"]+)"/m.exec(manifest)?.[1];
if (!pinned) throw new Error('bindings/wasm/Cargo.toml must pin wasm-bindgen = "=X"');
const version = /^version\s*=\s*"([^"]+)"/m.exec(manifest)?.[1];

if (output('rustup', ['target', 'list', '--installed']).split('\n').includes(TARGET)) {
  console.error(`${TARGET}: installed`);
} else {
  run('rustup', ['target', 'add', TARGET]);
}
const have = output('wasm-bindgen', ['--version']).trim();
if (have === `wasm-bindgen ${pinned}`) {
  console.error(`${have}: installed`);
} else {
  console.error(`wasm-bindgen ${pinned} is needed (found: ${have || 'none'}); installing it`);
  run('cargo', ['install', 'wasm-bindgen-cli', '--version', pinned]);
}

// 2. The module. The profile's `opt-level = "z"` alone makes LLVM's inliner so stingy
// (threshold 5) that `engine.check` is 43-67 % slower than at `"s"`; a threshold of 75 (`"s"`
// has 50) keeps most of `"z"`'s size saving, `engine.check` about 8 % slower than at `"s"`.
// Appended to any rustflags already set for the target.
const RUSTFLAGS_VAR = 'CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS';
const rustflags = [process.env[RUSTFLAGS_VAR], '-Cllvm-args=-inline-threshold=75'].filter(Boolean).join(' ');
run('cargo', ['build', '-p', 'csa-wasm', '--target', TARGET, '--profile', PROFILE], {
  env: { ...process.env, [RUSTFLAGS_VAR]: rustflags },
});
const metadata = JSON.parse(output('cargo', ['metadata', '--format-version', '1', '--no-deps']));
const wasm = join(metadata.target_directory, TARGET, PROFILE, 'csa_wasm.wasm');

// 3. The bindings.
rmSync(pkg, { recursive: true, force: true });
for (const target of ['nodejs', 'web']) {
  const out = join(pkg, target === 'nodejs' ? 'node' : 'web');
  run('wasm-bindgen', [
    wasm, '--target', target, '--out-dir', out, '--out-name', 'csa_wasm', '--no-typescript',
    // Names and producers are for debugging; without them the module is 110 KiB smaller.
    '--remove-name-section', '--remove-producers-section',
  ]);
}
// Both targets' modules are the same bytes: ship one, pkg/csa_wasm_bg.wasm, which both glue
// files load from beside their own directory.
const nodeWasm = readFileSync(join(pkg, 'node', 'csa_wasm_bg.wasm'));
if (!nodeWasm.equals(readFileSync(join(pkg, 'web', 'csa_wasm_bg.wasm')))) {
  throw new Error('wasm-bindgen gave the node and web targets different modules');
}
writeFileSync(join(pkg, 'csa_wasm_bg.wasm'), nodeWasm);
for (const [dir, from, to] of [
  ['node', '`${__dirname}/csa_wasm_bg.wasm`', '`${__dirname}/../csa_wasm_bg.wasm`'],
  ['web', "new URL('csa_wasm_bg.wasm', import.meta.url)", "new URL('../csa_wasm_bg.wasm', import.meta.url)"],
]) {
  const file = join(pkg, dir, 'csa_wasm.js');
  const glue = readFileSync(file, 'utf8');
  if (glue.split(from).length !== 2) throw new Error(`${file}: expected ${from} once`);
  writeFileSync(file, glue.replace(from, to));
  rmSync(join(pkg, dir, 'csa_wasm_bg.wasm'));
}

// 4. The entry points.
const core = readFileSync(join(here, 'js', 'core.js'), 'utf8');
const NAMES = ['check', 'view', 'lint', 'plan', 'apply', 'define', 'evolve', 'search', 'filter', 'Engine', 'CsaInputError'];
const banner = `// entra-csa ${version}: csa, the offline engine for Entra ID custom security attributes.\n// Generated by bindings/wasm/build.mjs from js/core.js; do not edit.\n`;

writeFileSync(
  join(pkg, 'node', 'index.cjs'),
  `${banner}'use strict';\n\n${core}\nmodule.exports = makeApi(require('./csa_wasm.js'), () => true);\n`,
);
// The ES module entry re-exports the CommonJS one: one instance for both (no dual-package
// hazard: a CsaInputError from either is the same class).
writeFileSync(
  join(pkg, 'node', 'index.mjs'),
  `${banner}import api from './index.cjs';\n\nexport const { ${NAMES.join(', ')} } = api;\nexport default api;\n`,
);
writeFileSync(
  join(pkg, 'web', 'index.js'),
  `${banner}import initWasm, * as raw from './csa_wasm.js';\n\n${core}
let ready = false;
let loading;
const api = makeApi(raw, () => ready);

/**
 * Loads the WebAssembly module; call it (once) before anything else. By default it fetches
 * the package's csa_wasm_bg.wasm; pass a URL, a Response, bytes or a WebAssembly.Module to
 * load it from elsewhere.
 */
export function init(module) {
  if (ready) return Promise.resolve();
  loading ??= initWasm(module === undefined ? undefined : { module_or_path: module }).then(() => {
    ready = true;
  });
  return loading;
}

export const { ${NAMES.join(', ')} } = api;
export default api;
`,
);

const types = readFileSync(join(here, 'js', 'index.d.ts'), 'utf8');
writeFileSync(join(pkg, 'index.d.ts'), types);
writeFileSync(join(pkg, 'node', 'index.d.ts'), `export * from '../index';\n`);
writeFileSync(
  join(pkg, 'web', 'index.d.ts'),
  `export * from '../index';\n\n/**\n * Loads the WebAssembly module; await it once before the first call. By default it fetches\n * the package's csa_wasm_bg.wasm.\n */\nexport function init(module?: string | URL | Request | Response | BufferSource | WebAssembly.Module): Promise<void>;\n`,
);

const entry = (types_, js) => ({ types: types_, default: js });
const packageJson = {
  name: 'entra-csa',
  version,
  description:
    'Offline engine for Microsoft Entra ID custom security attributes: decides Graph requests exactly as Microsoft Graph would, on WebAssembly',
  license: 'MIT OR Apache-2.0',
  keywords: ['entra', 'microsoft-graph', 'abac', 'custom-security-attributes', 'webassembly'],
  main: './node/index.cjs',
  module: './web/index.js',
  types: './index.d.ts',
  exports: {
    '.': {
      browser: entry('./web/index.d.ts', './web/index.js'),
      node: {
        types: './node/index.d.ts',
        import: './node/index.mjs',
        require: './node/index.cjs',
      },
      default: entry('./web/index.d.ts', './web/index.js'),
    },
    './web': entry('./web/index.d.ts', './web/index.js'),
    './node': {
      types: './node/index.d.ts',
      import: './node/index.mjs',
      require: './node/index.cjs',
    },
    './package.json': './package.json',
  },
  files: [
    'index.d.ts',
    'node/index.cjs',
    'node/index.mjs',
    'node/index.d.ts',
    'node/csa_wasm.js',
    'csa_wasm_bg.wasm',
    'web/index.js',
    'web/index.d.ts',
    'web/csa_wasm.js',
    'README.md',
  ],
  sideEffects: false,
  engines: { node: '>=18' },
};
writeFileSync(join(pkg, 'package.json'), `${JSON.stringify(packageJson, null, 2)}\n`);
copyFileSync(join(here, 'README.md'), join(pkg, 'README.md'));

const gz = gzipSync(nodeWasm, { level: 9 }).length;
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.error(
  `pkg/csa_wasm_bg.wasm: ${nodeWasm.length} bytes (${kib(nodeWasm.length)}), gzipped (-9) ${gz} bytes (${kib(gz)})`,
);
