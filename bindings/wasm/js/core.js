// The package's API over the raw wasm-bindgen functions (bindings/wasm/src/lib.rs). The build
// (build.mjs) puts this file, as it is, into each entry point (node/index.cjs, web/index.js),
// each of which then calls makeApi with its own raw module.
//
// What it does around each raw call: reads the documents (a string or a Uint8Array as text, a
// plain object or array as its JSON.stringify text, marked as data), checks the options (an
// unknown option or one of the wrong type is a TypeError, as a Python keyword argument would
// be), turns the report's JSON text into a plain object (JSON.parse keeps the key order csa
// writes), and turns a document csa cannot use (the CLI's exit 2) into a CsaInputError.

function makeApi(raw, isReady) {
  /** A document csa cannot use at all: what `csa` exits 2 on. */
  class CsaInputError extends Error {
    constructor(info) {
      super(info.message);
      this.name = 'CsaInputError';
      /** `invalid_catalog`, `invalid_object`, `invalid_actor`, `invalid_policy`, ... */
      this.error = info.cli.error;
      /** Which document: `catalog`, `object`, `actor`, `policy`, `changes`, ... */
      this.document = info.document;
      /** Which item of a list of documents (`line 3`), when the input is a list. */
      this.item = info.cli.item;
      /** Every problem found, ordered by pointer then code. */
      this.violations = info.cli.violations;
      /** The warnings found alongside. */
      this.warnings = info.warnings;
    }
    /** What `csa ... --format json` prints for it: `{"error", "item"?, "violations"}`. */
    toJSON() {
      const out = { error: this.error };
      if (this.item !== undefined) out.item = this.item;
      out.violations = this.violations;
      return out;
    }
  }

  function ready() {
    if (!isReady()) {
      throw new Error('entra-csa: call `await init()` before the first call in a browser');
    }
  }

  function kind(value) {
    if (value === null) return 'null';
    if (Array.isArray(value)) return 'an array';
    return typeof value;
  }

  // A document: [what raw takes, whether it is data (serialised from an object)].
  function doc(value, what, optional) {
    if (value === undefined || value === null) {
      if (optional) return [undefined, false];
      throw new TypeError(`entra-csa: the ${what} is required`);
    }
    if (typeof value === 'string' || value instanceof Uint8Array) return [value, false];
    if (value instanceof ArrayBuffer) return [new Uint8Array(value), false];
    if (typeof value === 'object' && !ArrayBuffer.isView(value)) {
      const text = JSON.stringify(value);
      if (typeof text !== 'string') {
        throw new TypeError(`entra-csa: the ${what} cannot be serialised as JSON`);
      }
      return [text, true];
    }
    throw new TypeError(
      `entra-csa: the ${what} must be a string, a Uint8Array or a plain object, not ${kind(value)}`,
    );
  }

  // Reads documents in order: their raw values and the data bitmask.
  function docs(list) {
    const values = [];
    let data = 0;
    list.forEach(([value, what, optional], i) => {
      const [v, isData] = doc(value, what, optional);
      values.push(v);
      if (isData) data |= 1 << i;
    });
    return [values, data];
  }

  // The options object: undefined, null or a plain object with only the keys allowed.
  function options(opts, allowed, fn) {
    if (opts === undefined || opts === null) return {};
    if (typeof opts !== 'object' || Array.isArray(opts)) {
      throw new TypeError(`entra-csa: ${fn}'s options must be an object, not ${kind(opts)}`);
    }
    for (const key of Object.keys(opts)) {
      if (!allowed.includes(key)) {
        throw new TypeError(
          `entra-csa: ${fn} has no option \`${key}\` (it has ${allowed.join(', ')})`,
        );
      }
    }
    return opts;
  }

  function bool(value, name) {
    if (value === undefined || value === null) return false;
    if (typeof value !== 'boolean') {
      throw new TypeError(`entra-csa: ${name} must be a boolean, not ${kind(value)}`);
    }
    return value;
  }

  function str(value, name, optional) {
    if ((value === undefined || value === null) && optional) return undefined;
    if (typeof value !== 'string') {
      throw new TypeError(`entra-csa: ${name} must be a string, not ${kind(value)}`);
    }
    return value;
  }

  const KINDS = ['user', 'servicePrincipal', 'device', 'managedIdentity'];
  function objectType(value) {
    const v = str(value, 'objectType', true);
    if (v !== undefined && !KINDS.includes(v)) {
      throw new TypeError(`entra-csa: objectType must be one of ${KINDS.join(', ')}, not \`${v}\``);
    }
    return v;
  }

  const METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'];
  function method(value) {
    const v = str(value, 'method');
    if (!METHODS.includes(v.toUpperCase())) {
      throw new TypeError(`entra-csa: method must be one of ${METHODS.join(', ')}, not \`${v}\``);
    }
    return v;
  }

  // With `locate`: each violation and warning gets `document` and `span` ({start, end} in
  // UTF-16 code units of that document's text), where the library knows the span.
  function place(items, spans) {
    if (!Array.isArray(items) || !Array.isArray(spans)) return;
    items.forEach((item, i) => {
      const s = spans[i];
      if (s) {
        item.document = s[0];
        item.span = { start: s[1], end: s[2] };
      }
    });
  }

  function thrown(e, locate) {
    if (typeof e === 'string') {
      const info = JSON.parse(e);
      if (locate && info.spans) {
        place(info.cli.violations, info.spans.violations);
        place(info.warnings, info.spans.warnings);
      }
      delete info.spans;
      return new CsaInputError(info);
    }
    if (e instanceof Error && e.constructor === Error) return new TypeError(e.message);
    return e;
  }

  // Runs a raw call: its JSON text parsed, an input error thrown as a CsaInputError.
  function call(f, locate) {
    ready();
    let text;
    try {
      text = f();
    } catch (e) {
      throw thrown(e, locate);
    }
    if (!locate) return JSON.parse(text);
    const { report, spans } = JSON.parse(text);
    place(report.violations, spans.violations);
    place(report.warnings, spans.warnings);
    return report;
  }

  function filterOptions(o) {
    const f = new raw.FilterOptions();
    try {
      f.filter = str(o.filter, 'filter', true);
      f.query = str(o.query, 'query', true);
      f.count = bool(o.count, 'count');
      if (o.select !== undefined && o.select !== null) {
        const list = typeof o.select === 'string' ? o.select.split(',') : o.select;
        if (!Array.isArray(list) || !list.every((s) => typeof s === 'string')) {
          throw new TypeError('entra-csa: select must be a list of strings or a comma-separated string');
        }
        f.select = list;
      }
      if (o.top !== undefined && o.top !== null) {
        if (!Number.isInteger(o.top) || o.top < 0 || o.top > 0xffffffff) {
          throw new TypeError('entra-csa: top must be a whole number from 0');
        }
        f.top = o.top;
      }
      f.consistencyLevel = str(o.consistencyLevel, 'consistencyLevel', true);
      f.objectType = objectType(o.objectType);
    } catch (e) {
      f.free();
      throw e;
    }
    return f;
  }

  function check(catalog, patch, opts) {
    const o = options(opts, ['object', 'actor', 'policy', 'objectType', 'allowSynced', 'audit', 'locate'], 'check');
    const [[c, p, ob, a, po], data] = docs([
      [catalog, 'catalog'],
      [patch, 'patch'],
      [o.object, 'object', true],
      [o.actor, 'actor', true],
      [o.policy, 'policy', true],
    ]);
    const kindOpt = objectType(o.objectType);
    const allowSynced = bool(o.allowSynced, 'allowSynced');
    const audit = bool(o.audit, 'audit');
    const locate = bool(o.locate, 'locate');
    return call(() => raw.check(c, p, ob, a, po, kindOpt, allowSynced, audit, locate, data), locate);
  }

  function view(catalog, object, opts) {
    const o = options(opts, ['actor', 'policy', 'locate'], 'view');
    const [[c, ob, a, po], data] = docs([
      [catalog, 'catalog'],
      [object, 'object'],
      [o.actor, 'actor', true],
      [o.policy, 'policy', true],
    ]);
    const locate = bool(o.locate, 'locate');
    return call(() => raw.view(c, ob, a, po, locate, data), locate);
  }

  function lint(catalog, opts) {
    const o = options(opts, ['policy', 'locate'], 'lint');
    const [[c, po], data] = docs([
      [catalog, 'catalog'],
      [o.policy, 'policy', true],
    ]);
    const locate = bool(o.locate, 'locate');
    return call(() => raw.lint(c, po, locate, data), locate);
  }

  function plan(catalog, object, desired, opts) {
    const o = options(opts, ['actor', 'policy', 'exclusive', 'audit', 'locate'], 'plan');
    const [[c, ob, d, a, po], data] = docs([
      [catalog, 'catalog'],
      [object, 'object'],
      [desired, 'desired state'],
      [o.actor, 'actor', true],
      [o.policy, 'policy', true],
    ]);
    const exclusive = bool(o.exclusive, 'exclusive');
    const audit = bool(o.audit, 'audit');
    const locate = bool(o.locate, 'locate');
    return call(() => raw.plan(c, ob, d, a, po, exclusive, audit, locate, data), locate);
  }

  function apply(catalog, object, changes, opts) {
    const o = options(opts, ['policy', 'locate'], 'apply');
    const [[c, ob, ch, po], data] = docs([
      [catalog, 'catalog'],
      [object, 'object'],
      [changes, 'changes'],
      [o.policy, 'policy', true],
    ]);
    const locate = bool(o.locate, 'locate');
    return call(() => raw.apply(c, ob, ch, po, locate, data), locate);
  }

  function define(catalog, methodName, path, opts) {
    const o = options(opts, ['body', 'actor', 'policy', 'locate'], 'define');
    const m = method(methodName);
    const p = str(path, 'path');
    const [[c, b, a, po], data] = docs([
      [catalog, 'catalog'],
      [o.body, 'body', true],
      [o.actor, 'actor', true],
      [o.policy, 'policy', true],
    ]);
    const locate = bool(o.locate, 'locate');
    return call(() => raw.define(c, m, p, b, a, po, locate, data), locate);
  }

  function evolve(from, to, opts) {
    const o = options(opts, ['objects', 'policy', 'locate'], 'evolve');
    const [[f, t, ob, po], data] = docs([
      [from, 'old catalog'],
      [to, 'new catalog'],
      [o.objects, 'objects', true],
      [o.policy, 'policy', true],
    ]);
    const locate = bool(o.locate, 'locate');
    return call(() => raw.evolve(f, t, ob, po, locate, data), locate);
  }

  function search(catalog, object, text, opts) {
    const o = options(opts, ['set', 'actor', 'policy', 'locate'], 'search');
    const t = str(text, 'text');
    const set = str(o.set, 'set', true);
    const [[c, ob, a, po], data] = docs([
      [catalog, 'catalog'],
      [object, 'object'],
      [o.actor, 'actor', true],
      [o.policy, 'policy', true],
    ]);
    const locate = bool(o.locate, 'locate');
    return call(() => raw.search(c, ob, t, set, a, po, locate, data), locate);
  }

  const FILTER_OPTIONS = [
    'filter', 'query', 'count', 'select', 'top', 'consistencyLevel', 'objectType', 'actor', 'locate',
  ];

  function filter(catalog, objects, opts) {
    const o = options(opts, [...FILTER_OPTIONS, 'policy'], 'filter');
    const [[c, ob, a, po], data] = docs([
      [catalog, 'catalog'],
      [objects, 'objects'],
      [o.actor, 'actor', true],
      [o.policy, 'policy', true],
    ]);
    const locate = bool(o.locate, 'locate');
    ready();
    const f = filterOptions(o);
    try {
      return call(() => raw.filter(c, ob, f, a, po, locate, data), locate);
    } finally {
      f.free();
    }
  }

  /** A catalog compiled once (under a policy) for many requests. */
  class Engine {
    #raw;
    constructor(catalog, policy, opts) {
      const o = options(opts, ['locate'], 'new Engine');
      const locate = bool(o.locate, 'locate');
      const [[c, po], data] = docs([
        [catalog, 'catalog'],
        [policy, 'policy', true],
      ]);
      ready();
      try {
        this.#raw = new raw.Engine(c, po, locate, data);
      } catch (e) {
        throw thrown(e, locate);
      }
    }
    #engine() {
      if (this.#raw === undefined) throw new Error('entra-csa: this Engine was freed');
      return this.#raw;
    }
    // The object and actor the last successful check read (the module keeps them read): the
    // same again (as a string, or undefined) is not passed and read again.
    #lastObject = { set: false };
    #lastActor = { set: false };
    check(patch, opts) {
      const o = options(opts, ['object', 'actor', 'objectType', 'audit', 'locate'], 'Engine.check');
      const [[p, ob, a], data] = docs([
        [patch, 'patch'],
        [o.object, 'object', true],
        [o.actor, 'actor', true],
      ]);
      const kindOpt = objectType(o.objectType);
      const audit = bool(o.audit, 'audit');
      const locate = bool(o.locate, 'locate');
      const e = this.#engine();
      const cacheable = (v) => v === undefined || typeof v === 'string';
      const objectKey = { set: cacheable(ob), value: ob, kind: kindOpt, data: data & 2 };
      const actorKey = { set: typeof a === 'string', value: a, data: data & 4 };
      const same = (x, y) => x.set && y.set && x.value === y.value && x.kind === y.kind && x.data === y.data;
      const again = (same(objectKey, this.#lastObject) ? 1 : 0) | (same(actorKey, this.#lastActor) ? 2 : 0);
      let result;
      try {
        result = call(
          () => e.check(p, again & 1 ? undefined : ob, again & 2 ? undefined : a, kindOpt, audit, locate, again, data),
          locate,
        );
      } catch (error) {
        // The module may have read (and kept) one document before refusing another: what it
        // keeps is no longer known here, so nothing is taken as read.
        this.#lastObject = { set: false };
        this.#lastActor = { set: false };
        throw error;
      }
      this.#lastObject = objectKey;
      this.#lastActor = actorKey;
      return result;
    }
    view(object, opts) {
      const o = options(opts, ['actor', 'locate'], 'Engine.view');
      const [[ob, a], data] = docs([
        [object, 'object'],
        [o.actor, 'actor', true],
      ]);
      const e = this.#engine();
      const locate = bool(o.locate, 'locate');
      return call(() => e.view(ob, a, locate, data), locate);
    }
    plan(object, desired, opts) {
      const o = options(opts, ['actor', 'exclusive', 'audit', 'locate'], 'Engine.plan');
      const [[ob, d, a], data] = docs([
        [object, 'object'],
        [desired, 'desired state'],
        [o.actor, 'actor', true],
      ]);
      const exclusive = bool(o.exclusive, 'exclusive');
      const audit = bool(o.audit, 'audit');
      const e = this.#engine();
      const locate = bool(o.locate, 'locate');
      return call(() => e.plan(ob, d, a, exclusive, audit, locate, data), locate);
    }
    apply(object, changes, opts) {
      const o = options(opts, ['locate'], 'Engine.apply');
      const locate = bool(o.locate, 'locate');
      const [[ob, ch], data] = docs([
        [object, 'object'],
        [changes, 'changes'],
      ]);
      const e = this.#engine();
      return call(() => e.apply(ob, ch, locate, data), locate);
    }
    search(object, text, opts) {
      const o = options(opts, ['set', 'actor', 'locate'], 'Engine.search');
      const t = str(text, 'text');
      const set = str(o.set, 'set', true);
      const [[ob, a], data] = docs([
        [object, 'object'],
        [o.actor, 'actor', true],
      ]);
      const e = this.#engine();
      const locate = bool(o.locate, 'locate');
      return call(() => e.search(ob, t, set, a, locate, data), locate);
    }
    filter(objects, opts) {
      const o = options(opts, FILTER_OPTIONS, 'Engine.filter');
      const [[ob, a], data] = docs([
        [objects, 'objects'],
        [o.actor, 'actor', true],
      ]);
      const locate = bool(o.locate, 'locate');
      const e = this.#engine();
      const f = filterOptions(o);
      try {
        return call(() => e.filter(ob, f, a, locate, data), locate);
      } finally {
        f.free();
      }
    }
    /** Releases the compiled catalog's memory now (otherwise the garbage collector does). */
    free() {
      if (this.#raw !== undefined) {
        this.#raw.free();
        this.#raw = undefined;
      }
    }
  }
  if (typeof Symbol.dispose === 'symbol') {
    Engine.prototype[Symbol.dispose] = Engine.prototype.free;
  }

  return { check, view, lint, plan, apply, define, evolve, search, filter, Engine, CsaInputError };
}
