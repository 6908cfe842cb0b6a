// The playground in a real browser: Debian's chromium driven by playwright-core, against the
// built page (dist/, `npm run build`) served on 127.0.0.1. What a person does: load the page,
// make a value of the PATCH body the wrong case, see `value_not_predefined` with its hint and
// the span underlined, click the violation to get there, share the link and open it (the same
// state), fix the value and see the change table. Screenshots go to $PLAYGROUND_OUT (default
// target/playground-test/ at the repository root).

import assert from 'node:assert/strict';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist');
const out = process.env.PLAYGROUND_OUT ?? join(here, '..', '..', 'target', 'playground-test');
const browserPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

const TYPES = {
  '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
};

let server;
let origin;
let context;
const requests = [];

before(async () => {
  assert.ok(existsSync(join(dist, 'index.html')), 'build the page first: npm run build');
  assert.ok(existsSync(browserPath), `no browser at ${browserPath} (apt-get install chromium)`);
  mkdirSync(out, { recursive: true });
  server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = join(dist, path);
    if (!file.startsWith(dist) || !existsSync(file) || statSync(file).isDirectory()) file = join(dist, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'csa-chromium-')), {
    executablePath: browserPath,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
    ],
  });
  context.on('request', (r) => requests.push(r.url()));
});

after(async () => {
  await context?.close();
  server?.close();
});

const editor = (page, doc) => page.locator(`[data-testid="editor-${doc}"] .cm-content`);
const verdict = (page) => page.locator('[data-testid="verdict"]');

async function open(url) {
  const page = await context.newPage();
  const errors = [];
  page.requests = [];
  page.on('pageerror', (e) => errors.push(e));
  page.on('request', (r) => page.requests.push(r.url()));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  page.errors = errors;
  return page;
}

/** Double-clicks the word `word` in a string token of an editor, then types `replacement`. */
async function retype(page, doc, token, replacement) {
  await page.locator(`[data-testid="tab-${doc}"], #tab-${doc}`).first().click();
  const span = editor(page, doc).locator('span', { hasText: token }).first();
  await span.dblclick();
  await page.keyboard.type(replacement);
}

/** The URL once the page has written its state into it. */
async function sharedUrl(page) {
  await page.locator('[data-testid="share"]').click();
  await page.waitForFunction(() => location.hash.startsWith('#s='));
  await page.waitForTimeout(300);
  return page.url();
}

test('type a wrong-case value, see why, follow the span, share, fix', async () => {
  const page = await open(`${origin}/`);
  const loaded = page.requests.length;

  // The sample tenant: assign.json as an Engineering admin is accepted.
  await assert.doesNotReject(verdict(page).filter({ hasText: 'Accepted' }).waitFor());

  // `Baker` becomes `baker`: refused, with the hint and the span marked in the editor.
  await retype(page, 'body', '"Baker"', 'baker');
  const violation = page.locator('li[data-code="value_not_predefined"]');
  await violation.waitFor();
  await assert.doesNotReject(verdict(page).filter({ hasText: 'Refused' }).waitFor());
  assert.match(await violation.locator('.hint').innerText(), /did you mean `Baker`\?/);
  assert.match(await violation.locator('.message').innerText(), /`baker` is not a predefined value of `Engineering_Project`/);
  const marked = page.locator('[data-testid="editor-body"] .cm-lintRange-error');
  await marked.first().waitFor();
  assert.equal(await marked.first().innerText(), '"baker"');
  await page.mouse.move(0, 0);
  await page.screenshot({ path: join(out, 'refused.png') });

  // A click on the violation puts the cursor (the selection) on the offending text.
  await page.locator('#tab-catalog').click();
  await violation.click();
  assert.equal(await page.locator('#tab-body').getAttribute('aria-selected'), 'true');
  assert.equal(await page.evaluate(() => window.getSelection().toString()), '"baker"');

  // A shared link reproduces the page: the same body, the same verdict.
  const url = await sharedUrl(page);
  assert.match(url, /#s=/);
  const bodyText = await editor(page, 'body').innerText();
  const copy = await open(url);
  await copy.locator('li[data-code="value_not_predefined"]').waitFor();
  assert.equal(await editor(copy, 'body').innerText(), bodyText);
  assert.equal(await verdict(copy).innerText(), await verdict(page).innerText());
  await copy.close();

  // Fixed: accepted, with the change table.
  await retype(page, 'body', '"baker"', 'Baker');
  await verdict(page).filter({ hasText: 'Accepted' }).waitFor();
  const rows = page.locator('[data-testid="changes"] tbody tr');
  assert.equal(await rows.count(), 2);
  assert.deepEqual(
    (await rows.first().locator('td').allInnerTexts()).map((t) => t.trim()),
    ['replace', 'Engineering_Project', '["Baker","Cascade"]', '["Alpine","Baker"]'],
  );
  assert.equal(await page.locator('[data-testid="editor-body"] .cm-lintRange-error').count(), 0);
  await page.screenshot({ path: join(out, 'accepted.png') });

  // Nothing was fetched after the page loaded, and nothing ever left 127.0.0.1.
  assert.deepEqual(page.requests.slice(loaded), [], 'requests after load');
  assert.deepEqual(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')), []);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the examples menu and the other operations', async () => {
  const page = await open(`${origin}/`);
  // A11: remove a multi-valued attribute with [] (the object holds what A03 assigned).
  await page.locator('[data-testid="example"]').selectOption('A11');
  await page.locator('[data-testid="changes"] tbody tr.remove', { hasText: 'Engineering_Project' }).waitFor();
  await verdict(page).filter({ hasText: 'Accepted' }).waitFor();
  // X05: the empty string, refused.
  await page.locator('[data-testid="example"]').selectOption('X05');
  await page.locator('li[data-code="empty_string"]').waitFor();
  // View as the Marketing reader; plan; $filter; a definition request.
  await page.locator('[data-testid="example"]').selectOption('plan');
  await page.locator('[data-testid="audit"]').waitFor();
  await page.locator('#op-view').click();
  await page.locator('[data-testid="view"]').waitFor();
  await page.locator('[data-testid="example"]').selectOption('filter');
  await page.locator('[data-testid="filter"]').waitFor();
  assert.match(await verdict(page).innerText(), /^200 OK: \d+ returned of \d+ matching$/);
  await page.locator('[data-testid="example"]').selectOption('retype');
  await page.locator('li[data-code="immutable_changed"]').waitFor();
  await page.screenshot({ path: join(out, 'define-refused.png') });
  assert.deepEqual(page.errors, []);
  await page.close();
});
