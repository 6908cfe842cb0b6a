// The sample tenant (docs/examples) and the menu of documented examples. The files are read at
// build time (Vite's ?raw and import.meta.glob), so the page needs no network after load.

import sampleCatalog from '../../docs/examples/sample-catalog.json?raw';
import user from '../../docs/examples/user.json?raw';
import engAdmin from '../../docs/examples/eng-admin.json?raw';
import mktReader from '../../docs/examples/mkt-reader.json?raw';
import engDefiner from '../../docs/examples/eng-definer.json?raw';
import assign from '../../docs/examples/assign.json?raw';
import mistakes from '../../docs/examples/mistakes.json?raw';
import synced from '../../docs/examples/synced.json?raw';
import desired from '../../docs/examples/desired.json?raw';
import tenant from '../../docs/examples/tenant.jsonl?raw';
import delta from '../../docs/examples/delta.json?raw';
import retype from '../../docs/examples/retype.json?raw';
import redact from '../../docs/examples/redact.json?raw';

const graphExamples = import.meta.glob('../../tests/data/graph-examples/{assignments,errors}/*.json', {
  eager: true,
  import: 'default',
});

/** The documents the page edits, in tab order. */
export const DOCUMENTS = [
  { key: 'body', label: 'PATCH body', about: 'The PATCH /users/{id} body, as Graph takes it.' },
  { key: 'catalog', label: 'Catalog', about: 'Attribute sets and definitions, as GET /directory/... returns them.' },
  { key: 'object', label: 'Object', about: 'The target object as Graph returns it (empty: a cloud-only user with nothing assigned).' },
  { key: 'actor', label: 'Actor', about: "The caller's role assignments (empty: authorization is not checked)." },
  { key: 'policy', label: 'Policy', about: 'Policy knobs (empty: the defaults).' },
  { key: 'desired', label: 'Desired state', about: 'For Plan: the state the object should have.' },
  { key: 'objects', label: 'Objects', about: 'For $filter: the tenant\'s objects (JSON Lines, an array or a list response).' },
  { key: 'definition', label: 'Definition body', about: 'For Define: the request body of a definition request.' },
];

/** The page as it first opens: the sample tenant of docs/examples. */
export const DEFAULT_STATE = {
  op: 'check',
  tab: 'body',
  docs: {
    body: assign,
    catalog: sampleCatalog,
    object: user,
    actor: engAdmin,
    policy: '',
    desired,
    objects: tenant,
    definition: delta,
  },
  exclusive: false,
  filter: "customSecurityAttributes/Marketing/AppCountry eq 'Canada'",
  count: true,
  eventual: true,
  top: '',
  select: 'id,displayName,customSecurityAttributes',
  method: 'PATCH',
  path: '/directory/customSecurityAttributeDefinitions/Engineering_Project',
};

const pretty = (value) => `${JSON.stringify(value, null, 2)}\n`;

function graph(id) {
  const found = Object.entries(graphExamples).find(([path]) => path.includes(`/${id}-`));
  if (!found) throw new Error(`no graph example ${id}`);
  return found[1];
}

/** The example an update or removal follows: the object holds what that one assigned. */
const FOLLOWS = { A07: 'A04', A08: 'A06', A09: 'A03', A10: 'A01', A11: 'A03' };

/**
 * The menu. Each entry changes some documents (the others keep their sample values); `after` is
 * an example whose accepted result becomes the object's state (computed with the engine).
 */
export function examples() {
  const fromGraph = (id, label) => {
    const e = graph(id);
    const kind = e.request.url.includes('/servicePrincipals/') ? 'servicePrincipal' : 'user';
    return {
      id,
      label: `${id}: ${label}`,
      docs: { body: pretty(e.request.body), actor: engAdmin },
      object: { kind, after: FOLLOWS[id] && pretty(graph(FOLLOWS[id]).request.body) },
    };
  };
  return [
    { group: 'The sample tenant (docs/examples)', items: [
      { id: 'assign', label: 'Assign Project and NumVendors as an Engineering admin', docs: { body: assign, object: user, actor: engAdmin } },
      { id: 'mistakes', label: 'Refused: a wrong-case value and [] on a single value', docs: { body: mistakes, object: '', actor: '' } },
      { id: 'reader', label: 'Refused: a Marketing reader assigns Engineering attributes', docs: { body: assign, object: user, actor: mktReader } },
      { id: 'synced', label: 'Refused: the user is synced from on-premises AD', docs: { body: assign, object: synced, actor: '' } },
      { id: 'plan', label: 'Plan: from the user\'s state to a desired state (redacted audit)', docs: { object: user, actor: engAdmin, desired, policy: redact }, op: 'plan' },
      { id: 'filter', label: "$filter: AppCountry eq 'Canada' over the tenant", docs: { objects: tenant, actor: '' }, op: 'filter' },
      { id: 'define', label: 'Define: allowedValues@delta on Engineering_Project', docs: { definition: delta, actor: engDefiner }, op: 'define', method: 'PATCH', path: '/directory/customSecurityAttributeDefinitions/Engineering_Project' },
      { id: 'retype', label: 'Define, refused: change an attribute\'s type', docs: { definition: retype, actor: '' }, op: 'define', method: 'PATCH', path: '/directory/customSecurityAttributeDefinitions/Engineering_NumVendors' },
    ] },
    { group: 'Assign (Graph docs)', items: [
      fromGraph('A01', 'a string to a user'),
      fromGraph('A02', 'a string to a service principal'),
      fromGraph('A03', 'a multi-string (predefined) to a user'),
      fromGraph('A04', 'an integer'),
      fromGraph('A05', 'a multi-integer'),
      fromGraph('A06', 'a Boolean'),
    ] },
    { group: 'Update (Graph docs)', items: [
      fromGraph('A07', 'an integer, 4 to 8'),
      fromGraph('A08', 'a Boolean, true to false'),
      fromGraph('A09', 'a multi-string: the whole collection replaced'),
    ] },
    { group: 'Remove (Graph docs)', items: [
      fromGraph('A10', 'a single value, with null'),
      fromGraph('A11', 'a multi-valued attribute, with []'),
    ] },
    { group: 'Refused', items: [
      fromGraph('X05', 'an empty string (observed)'),
    ] },
  ];
}
