// The playground: CodeMirror editors for the documents, the entra-csa WebAssembly build deciding
// as you type, and the whole state in the URL's fragment (deflate + base64url), so a link
// reproduces the page. No network after load: the module and the sample files are bundled.

import { EditorView, basicSetup } from 'codemirror';
import { json } from '@codemirror/lang-json';
import { setDiagnostics } from '@codemirror/lint';
import { EditorSelection } from '@codemirror/state';
import { init, check, view, plan, filter, define, CsaInputError } from 'entra-csa';

import { DEFAULT_STATE, DOCUMENTS, examples } from './examples.js';

const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
};
const compact = (v) => (v === undefined ? '' : JSON.stringify(v));
const pretty = (v) => JSON.stringify(v, null, 2);

// ---------------------------------------------------------------------------------------------
// State

let state = structuredClone(DEFAULT_STATE);
const editors = new Map();

/** A document's text, or undefined when it is empty (not given). */
function docText(key) {
  const text = editors.get(key).state.doc.toString();
  return text.trim() === '' ? undefined : text;
}

// The URL fragment: the state, deflated and base64url-encoded.
async function encodeState(s) {
  const bytes = new TextEncoder().encode(JSON.stringify(s));
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  const packed = new Uint8Array(await new Response(stream).arrayBuffer());
  let bin = '';
  for (const b of packed) bin += String.fromCharCode(b);
  return btoa(bin).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

async function decodeState(text) {
  const bin = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return JSON.parse(await new Response(stream).text());
}

function snapshot() {
  const docs = {};
  for (const d of DOCUMENTS) docs[d.key] = editors.get(d.key).state.doc.toString();
  return { ...state, docs };
}

let urlTimer;
function saveUrl() {
  clearTimeout(urlTimer);
  urlTimer = setTimeout(async () => {
    const fragment = await encodeState(snapshot());
    history.replaceState(null, '', `#s=${fragment}`);
    document.body.dataset.url = 'saved';
  }, 150);
}

// ---------------------------------------------------------------------------------------------
// Editors and tabs

function setDoc(key, text) {
  const v = editors.get(key);
  v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: text } });
}

function showDoc(key) {
  state.tab = key;
  for (const d of DOCUMENTS) {
    const on = d.key === key;
    editors.get(d.key).dom.hidden = !on;
    $(`tab-${d.key}`).setAttribute('aria-selected', String(on));
  }
  $('doc-about').textContent = DOCUMENTS.find((d) => d.key === key).about;
}

/** Moves the cursor to a span of a document and shows it. */
function reveal(key, span) {
  showDoc(key);
  const v = editors.get(key);
  const end = Math.min(span.end, v.state.doc.length);
  const start = Math.min(span.start, end);
  v.dispatch({ selection: EditorSelection.single(start, end), scrollIntoView: true });
  v.focus();
  saveUrl();
}

function buildEditors() {
  const tabs = $('doc-tabs');
  for (const d of DOCUMENTS) {
    tabs.append(
      el('button', { id: `tab-${d.key}`, role: 'tab', type: 'button', 'data-doc': d.key, onclick: () => { showDoc(d.key); saveUrl(); } }, d.label),
    );
    const v = new EditorView({
      doc: state.docs[d.key] ?? '',
      extensions: [
        basicSetup,
        json(),
        EditorView.lineWrapping,
        EditorView.updateListener.of((u) => {
          if (u.docChanged) schedule();
        }),
      ],
      parent: $('editors'),
    });
    v.dom.dataset.doc = d.key;
    v.dom.dataset.testid = `editor-${d.key}`;
    editors.set(d.key, v);
  }
}

// ---------------------------------------------------------------------------------------------
// Operations

const OPERATIONS = [
  { key: 'check', label: 'Check a PATCH', docs: ['body', 'catalog', 'object', 'actor', 'policy'] },
  { key: 'view', label: 'View as this actor', docs: ['catalog', 'object', 'actor', 'policy'] },
  { key: 'plan', label: 'Plan to a desired state', docs: ['desired', 'catalog', 'object', 'actor', 'policy'] },
  { key: 'filter', label: '$filter', docs: ['objects', 'catalog', 'actor'] },
  { key: 'define', label: 'Definition request', docs: ['definition', 'catalog', 'actor', 'policy'] },
];

function controls() {
  const box = $('op-controls');
  box.replaceChildren();
  const op = OPERATIONS.find((o) => o.key === state.op);
  const input = (key, attrs = {}) =>
    el('input', {
      ...attrs,
      id: `opt-${key}`,
      value: attrs.type === 'checkbox' ? undefined : state[key],
      checked: attrs.type === 'checkbox' ? state[key] : undefined,
      oninput: (e) => {
        state[key] = e.target.type === 'checkbox' ? e.target.checked : e.target.value;
        schedule();
      },
    });
  if (state.op === 'plan') {
    box.append(el('label', {}, input('exclusive', { type: 'checkbox' }), ' exclusive (also remove what the desired state does not hold)'));
  } else if (state.op === 'filter') {
    box.append(
      el('label', { class: 'wide' }, 'GET /users?$filter=', input('filter', { type: 'text', spellcheck: 'false' })),
      el('label', {}, input('count', { type: 'checkbox' }), ' $count=true'),
      el('label', {}, input('eventual', { type: 'checkbox' }), ' ConsistencyLevel: eventual'),
      el('label', {}, '$top ', input('top', { type: 'number', min: '0', size: '4' })),
      el('label', { class: 'wide' }, '$select ', input('select', { type: 'text', spellcheck: 'false' })),
    );
  } else if (state.op === 'define') {
    const method = el('select', { id: 'opt-method', onchange: (e) => { state.method = e.target.value; schedule(); } },
      ['GET', 'POST', 'PATCH', 'DELETE'].map((m) => el('option', { value: m, selected: m === state.method }, m)));
    box.append(el('label', { class: 'wide' }, method, ' ', input('path', { type: 'text', spellcheck: 'false' })));
  }
  box.append(el('p', { class: 'uses' }, 'Uses: ', op.docs.map((k, i) => [
    i ? ', ' : '',
    el('a', { href: '#', onclick: (e) => { e.preventDefault(); showDoc(k); } }, DOCUMENTS.find((d) => d.key === k).label),
  ])));
}

function showOp(key) {
  state.op = key;
  for (const o of OPERATIONS) $(`op-${o.key}`).setAttribute('aria-selected', String(o.key === key));
  controls();
  schedule();
}

function buildOps() {
  for (const o of OPERATIONS) {
    $('op-tabs').append(el('button', { id: `op-${o.key}`, role: 'tab', type: 'button', onclick: () => showOp(o.key) }, o.label));
  }
}

/** Runs the chosen operation on the editors' documents. */
function decide() {
  const catalog = docText('catalog') ?? '';
  const actor = docText('actor');
  const policy = docText('policy');
  switch (state.op) {
    case 'check':
      return check(catalog, docText('body') ?? '', { object: docText('object'), actor, policy, locate: true });
    case 'view':
      return view(catalog, docText('object') ?? '', { actor, policy, locate: true });
    case 'plan':
      return plan(catalog, docText('object') ?? '{"customSecurityAttributes": {}}', docText('desired') ?? '', { actor, policy, exclusive: state.exclusive, audit: true, locate: true });
    case 'filter': {
      const top = state.top === '' ? undefined : Number(state.top);
      return filter(catalog, docText('objects') ?? '', {
        filter: state.filter,
        count: state.count,
        consistencyLevel: state.eventual ? 'eventual' : undefined,
        top: Number.isInteger(top) && top >= 0 ? top : undefined,
        select: state.select.trim() === '' ? undefined : state.select,
        actor,
        locate: true,
      });
    }
    case 'define':
      return define(catalog, state.method, state.path, { body: docText('definition'), actor, policy, locate: true });
    default:
      throw new Error(state.op);
  }
}

// ---------------------------------------------------------------------------------------------
// Rendering

function violationList(items, kind) {
  return el('ol', { class: `${kind}s`, 'data-testid': `${kind}s` }, items.map((v) => {
    const located = v.document && v.span;
    const docLabel = located ? DOCUMENTS.find((d) => d.key === v.document)?.label ?? v.document : undefined;
    return el('li', {
      class: located ? 'located' : '',
      'data-code': v.code,
      'data-doc': v.document,
      'data-start': located ? v.span.start : undefined,
      'data-end': located ? v.span.end : undefined,
      tabindex: located ? '0' : undefined,
      title: located ? `show it in the ${docLabel}` : undefined,
      onclick: located && v.document !== 'filter' ? () => reveal(v.document, v.span) : undefined,
      onkeydown: located && v.document !== 'filter' ? (e) => { if (e.key === 'Enter') reveal(v.document, v.span); } : undefined,
    },
    el('div', { class: 'head' }, el('code', { class: 'code' }, v.code), ' ', el('span', { class: 'message' }, v.message)),
    v.hint ? el('div', { class: 'hint' }, 'hint: ', v.hint) : '',
    el('div', { class: 'where' },
      v.pointer ? el('code', {}, v.pointer) : '(the whole document)',
      v.attribute ? ` · ${v.attribute}` : '',
      docLabel ? ` · in the ${docLabel}` : '',
      v.status ? ` · Graph: ${v.status} ${v.graphError}` : ''),
    );
  }));
}

function changesTable(changes) {
  return el('table', { class: 'changes', 'data-testid': 'changes' },
    el('thead', {}, el('tr', {}, ['op', 'attribute', 'before', 'after'].map((h) => el('th', {}, h)))),
    el('tbody', {}, changes.map((c) => el('tr', { class: c.op },
      el('td', {}, c.op), el('td', {}, el('code', {}, c.attribute)),
      el('td', {}, el('code', {}, compact(c.before))), el('td', {}, el('code', {}, compact(c.after)))))));
}

const block = (title, value, testid) => el('section', { class: 'block' }, el('h3', {}, title), el('pre', { 'data-testid': testid }, pretty(value)));

function verdict(ok, text) {
  return el('div', { class: `verdict ${ok ? 'ok' : 'refused'}`, 'data-testid': 'verdict' }, text);
}

function renderCheck(r, out) {
  const auth = r.authorization === 'checked' ? 'authorization checked' : 'authorization not checked: no actor';
  if (r.allowed) {
    out.append(
      verdict(true, `Accepted: Graph answers 204 No Content (${auth})`),
      r.changes.length ? changesTable(r.changes) : el('p', {}, 'Nothing changes.'),
      r.warnings.length ? [el('h3', {}, 'Warnings'), violationList(r.warnings, 'warning')] : '',
      block('Resulting state (as the actor may read it)', r.customSecurityAttributes, 'state'),
      block('Canonical request body', r.request, 'request'),
      r.audit ? block('Audit record', r.audit, 'audit') : '',
    );
  } else {
    const first = r.violations[0];
    out.append(
      verdict(false, `Refused: ${r.violations.length} violation${r.violations.length === 1 ? '' : 's'} (${auth}); Graph answers ${first ? `${first.status} ${first.graphError}` : '400'}`),
      violationList(r.violations, 'violation'),
      r.warnings.length ? [el('h3', {}, 'Warnings'), violationList(r.warnings, 'warning')] : '',
    );
  }
}

function render(result, error) {
  const out = $('result');
  out.replaceChildren();
  const marks = new Map(DOCUMENTS.map((d) => [d.key, []]));
  const mark = (items, severity) => {
    for (const v of items ?? []) {
      if (!v.span || !marks.has(v.document)) continue;
      const len = editors.get(v.document).state.doc.length;
      const from = Math.min(v.span.start, len);
      const to = Math.min(Math.max(v.span.end, from), len);
      marks.get(v.document).push({ from, to, severity, message: `${v.code}: ${v.message}${v.hint ? `\nhint: ${v.hint}` : ''}` });
    }
  };
  if (error) {
    out.append(verdict(false, `${error.message}`), violationList(error.violations, 'violation'));
    mark(error.violations, 'error');
  } else if (state.op === 'check' || state.op === 'plan') {
    renderCheck(result, out);
    mark(result.violations, 'error');
    mark(result.warnings, 'warning');
  } else if (state.op === 'view') {
    out.append(verdict(true, 'GET …?$select=customSecurityAttributes returns:'), block('customSecurityAttributes', result.customSecurityAttributes, 'view'));
  } else if (state.op === 'filter') {
    if (result.violations) {
      out.append(verdict(false, `Refused: Graph answers ${result.violations[0].status} ${result.violations[0].graphError}`), violationList(result.violations, 'violation'));
    } else {
      const n = result['@odata.count'];
      out.append(
        verdict(true, `200 OK: ${result.value.length} returned${n === undefined ? '' : ` of ${n} matching`}`),
        el('table', { class: 'changes' }, el('tbody', {}, result.value.map((row) => el('tr', {}, el('td', {}, el('code', {}, row.id ?? '')), el('td', {}, row.displayName ?? ''))))),
        block('Response body', result, 'filter'),
      );
    }
  } else if (state.op === 'define') {
    if (result.violations) {
      out.append(verdict(false, `Refused: Graph answers ${result.violations[0].status} ${result.violations[0].graphError}`), violationList(result.violations, 'violation'));
      mark(result.violations, 'error');
    } else if (result.allowed === true) {
      out.append(verdict(true, `Accepted (${result.changes.length} change${result.changes.length === 1 ? '' : 's'})`), block('Changes', result.changes, 'define'));
    } else {
      out.append(verdict(true, '200 OK'), block('Response body', result, 'define'));
    }
    mark(result.warnings, 'warning');
  }
  for (const [key, diagnostics] of marks) {
    const v = editors.get(key);
    v.dispatch(setDiagnostics(v.state, diagnostics));
    $(`tab-${key}`).classList.toggle('has-errors', diagnostics.some((d) => d.severity === 'error'));
  }
}

let timer;
function schedule() {
  clearTimeout(timer);
  timer = setTimeout(run, 120);
}

function run() {
  let result;
  let error;
  try {
    result = decide();
  } catch (e) {
    if (!(e instanceof CsaInputError)) {
      $('result').replaceChildren(verdict(false, String(e)));
      return;
    }
    error = e;
  }
  render(result, error);
  $('status').textContent = 'decided in this page';
  document.body.dataset.ready = 'true';
  saveUrl();
}

// ---------------------------------------------------------------------------------------------
// Examples and sharing

function buildExamples() {
  const select = $('example');
  select.append(el('option', { value: '' }, 'Choose a documented example…'));
  const all = new Map();
  for (const g of examples()) {
    select.append(el('optgroup', { label: g.group }, g.items.map((e) => {
      all.set(e.id, e);
      return el('option', { value: e.id }, e.label);
    })));
  }
  select.addEventListener('change', () => {
    const e = all.get(select.value);
    if (!e) return;
    const docs = { ...DEFAULT_STATE.docs, policy: '', ...e.docs };
    if (e.object) docs.object = objectFor(e.object, docs.actor);
    for (const [k, v] of Object.entries(docs)) setDoc(k, v);
    state.method = e.method ?? state.method;
    state.path = e.path ?? state.path;
    showOp(e.op ?? 'check');
    showDoc(e.op === 'plan' ? 'desired' : e.op === 'filter' ? 'objects' : e.op === 'define' ? 'definition' : 'body');
  });
}

/** A Graph docs example's target: its kind and, for an update or removal, the prior state. */
function objectFor({ kind, after }) {
  const object = { '@odata.type': `#microsoft.graph.${kind}`, id: '{id}' };
  if (after) {
    const prior = check(DEFAULT_STATE.docs.catalog, after, { objectType: kind });
    if (prior.allowed) object.customSecurityAttributes = prior.customSecurityAttributes;
  }
  return `${JSON.stringify(object, null, 2)}\n`;
}

async function share() {
  const url = `${location.origin}${location.pathname}#s=${await encodeState(snapshot())}`;
  history.replaceState(null, '', url);
  try {
    await navigator.clipboard.writeText(url);
    $('status').textContent = 'link copied';
  } catch {
    $('status').textContent = 'link in the address bar';
  }
}

async function main() {
  if (location.hash.startsWith('#s=')) {
    try {
      state = { ...structuredClone(DEFAULT_STATE), ...(await decodeState(location.hash.slice(3))) };
    } catch {
      $('status').textContent = 'the link could not be read: the sample tenant instead';
    }
  }
  buildEditors();
  buildOps();
  buildExamples();
  $('share').addEventListener('click', share);
  await init();
  showDoc(state.tab);
  showOp(state.op);
}

main();
