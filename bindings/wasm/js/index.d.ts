// Types of entra-csa. Written by hand from the library's serialisers (src/violation.rs,
// src/engine.rs, src/diff.rs, src/catalog.rs, src/define.rs, src/evolve.rs, src/query.rs,
// src/search.rs, src/audit.rs) until docs/schema/ holds the JSON Schemas of the output contract;
// the package's tests type-check the CLI's live output of every documented example against them
// (test/types.test.mjs).

// ---------------------------------------------------------------------------------------------
// Documents in

/** A document: JSON text (a string or its UTF-8 bytes), or the parsed value itself. */
export type Document<T> = string | Uint8Array | ArrayBuffer | T;

/** A custom security attribute value as Graph writes it. */
export type AttributeValue = string | number | boolean | string[] | number[];

/**
 * One attribute set's values in an object or a PATCH body, with their `@odata.type` annotations
 * (strings); in a body, `null` and `[]` remove.
 */
export type SetValues = { [attributeOrAnnotation: string]: AttributeValue | null };

/** `customSecurityAttributes`: attribute set name to its values. */
export type CustomSecurityAttributes = { [attributeSet: string]: SetValues };

/** `GET /directory/attributeSets/{id}`. */
export interface AttributeSet {
  id: string;
  description?: string | null;
  maxAttributesPerSet?: number | null;
  [property: string]: unknown;
}

/** An allowed value of a predefined-values attribute. */
export interface AllowedValue {
  id: string;
  isActive: boolean;
  [property: string]: unknown;
}

/** `GET /directory/customSecurityAttributeDefinitions/{id}` (with `$expand=allowedValues`). */
export interface AttributeDefinition {
  id?: string;
  attributeSet: string;
  name: string;
  description?: string | null;
  type: 'String' | 'Integer' | 'Boolean';
  isCollection: boolean;
  isSearchable: boolean;
  status: 'Available' | 'Deprecated';
  usePreDefinedValuesOnly: boolean;
  allowedValues?: AllowedValue[];
  [property: string]: unknown;
}

/** A Graph list response: `{"value": [...]}`, as `GET` returns a collection. */
export interface ListResponse<T> {
  '@odata.context'?: string;
  value: T[];
  [property: string]: unknown;
}

/** The catalog: attribute sets and definitions, each bare or as a list response. */
export interface Catalog {
  attributeSets: AttributeSet[] | ListResponse<AttributeSet>;
  customSecurityAttributeDefinitions: AttributeDefinition[] | ListResponse<AttributeDefinition>;
  [property: string]: unknown;
}

/** A directory object as Graph returns it (a user, a service principal, ...). */
export interface GraphObject {
  id?: string;
  '@odata.type'?: string;
  displayName?: string | null;
  userType?: string | null;
  onPremisesSyncEnabled?: boolean | null;
  customSecurityAttributes?: CustomSecurityAttributes | null;
  [property: string]: unknown;
}

/** A `PATCH /users/{id}` (or `/servicePrincipals/{id}`) body. */
export interface PatchBody {
  customSecurityAttributes: CustomSecurityAttributes;
  [property: string]: unknown;
}

/** A role assignment: a built-in role's name or template id, or a custom role's id. */
export interface RoleAssignment {
  roleDefinitionId: string;
  directoryScopeId: string;
  [property: string]: unknown;
}

/** A custom role definition. */
export interface RoleDefinition {
  id: string;
  templateId?: string | null;
  displayName?: string | null;
  isEnabled?: boolean;
  rolePermissions: { allowedResourceActions: string[]; [property: string]: unknown }[];
  [property: string]: unknown;
}

/** The caller: its role assignments, custom role definitions and application permissions. */
export interface Actor {
  roleAssignments?: RoleAssignment[];
  roleDefinitions?: RoleDefinition[];
  appPermissions?: string[];
  [property: string]: unknown;
}

/** The object kinds `objectType` names. */
export type ObjectType = 'user' | 'servicePrincipal' | 'device' | 'managedIdentity';

/** The policy knobs (docs/RULES.md, Policy knobs); missing keys keep their defaults. */
export interface Policy {
  allowSyncedObjects?: boolean;
  objectTypes?: ObjectType[];
  maxBodyBytes?: number;
  maxCatalogBytes?: number;
  strictAnnotations?: boolean;
  redactSets?: string[];
  requireCustomSecurityAttributes?: boolean;
}

/** A definition request body (`POST` or `PATCH` on sets, definitions, allowed values). */
export type DefinitionBody = { [property: string]: unknown };

/** A desired state: the `customSecurityAttributes` wrapper, an object, or the sets map. */
export type DesiredState = { customSecurityAttributes: CustomSecurityAttributes | null } | CustomSecurityAttributes;

/** The objects of `filter` and `evolve`: an array, a list response, or JSON Lines text. */
export type Objects = GraphObject[] | ListResponse<GraphObject>;

// ---------------------------------------------------------------------------------------------
// Reports out: exactly what `csa <command> --format json` prints

/** The stable codes of violations (docs/RULES.md). */
export type Code =
  | 'invalid_json' | 'invalid_shape' | 'payload_too_large' | 'duplicate_key' | 'missing_odata_type'
  | 'invalid_odata_type' | 'annotation_mismatch' | 'missing_annotation' | 'unknown_attribute_set'
  | 'unknown_attribute' | 'type_mismatch' | 'collection_expected' | 'single_value_expected'
  | 'wrong_removal' | 'empty_string' | 'value_too_long' | 'integer_out_of_range' | 'duplicate_value'
  | 'too_many_values' | 'value_not_predefined' | 'value_deactivated' | 'attribute_deactivated'
  | 'synced_object' | 'unsupported_object_type' | 'permission_denied' | 'missing_property'
  | 'invalid_property' | 'invalid_name' | 'description_too_long' | 'duplicate_name' | 'id_mismatch'
  | 'invalid_type' | 'invalid_status' | 'boolean_collection' | 'boolean_predefined'
  | 'invalid_allowed_value' | 'too_many_allowed_values' | 'limit_exceeded' | 'immutable_changed'
  | 'predefined_only_enabled' | 'deleted' | 'unsupported_request' | 'not_found' | 'invalid_filter'
  | 'conflict';

/** The codes of warnings. */
export type WarningCode =
  | 'ignored_property' | 'missing_annotation' | 'coerced_boolean' | 'unknown_current_attribute'
  | 'ignored_role_assignment' | 'no_custom_security_attributes';

/** One rule broken: a stable code, where (a JSON Pointer), what and how to fix it. */
export interface Violation {
  code: Code;
  /** RFC 6901 pointer to the value or key at fault, `""` for the whole document. */
  pointer: string;
  /** The `Set_Name` id of the attribute involved, in catalog casing. */
  attribute: string | null;
  message: string;
  hint: string | null;
  /** The HTTP status Graph answers with. */
  status: number;
  /** Graph's `error.code`. */
  graphError: string;
  /**
   * Byte offset of the offending text in its document, when that document was given as a string
   * or bytes (always for `invalid_filter`: into the `$filter` text).
   */
  offset?: number;
  /** Line (from 1) of the offending text, when its document was given as a string or bytes. */
  line?: number;
  /** Column (from 1, in characters, as the CLI's caret counts) of the offending text. */
  column?: number;
  /** With `locate: true` (not in the CLI's output): the document the span is in. */
  document?: DocumentName;
  /** With `locate: true`: the offending text, in UTF-16 code units of `document`'s text. */
  span?: Span;
}

/** Which input a located violation points into. */
export type DocumentName =
  | 'body' | 'catalog' | 'object' | 'actor' | 'policy' | 'definition' | 'filter' | 'desired' | 'changes';

/** A range of a document's text, in UTF-16 code units (JavaScript string indices). */
export interface Span {
  start: number;
  end: number;
}

/**
 * `locate: true` adds `document` and `span` to each violation and warning whose span the
 * library knows (for editors: underline it). Off by default: the result is then exactly the
 * CLI's JSON.
 */
export interface Locate {
  locate?: boolean;
}

/** Something worth knowing that refuses nothing. */
export interface Warning {
  code: WarningCode;
  pointer: string;
  attribute: string | null;
  message: string;
  /** Line (from 1) of what the warning is about, when its document was given as text. */
  line?: number;
  /** Column (from 1, in characters) of what the warning is about. */
  column?: number;
  /** With `locate: true`. */
  document?: DocumentName;
  /** With `locate: true`. */
  span?: Span;
}

/** `checked` when an actor was given, else `not_checked`. */
export type Authorization = 'checked' | 'not_checked';

/** One attribute changed by an accepted request. */
export interface Change<V = AttributeValue> {
  op: 'add' | 'replace' | 'remove';
  /** `Set_Name`. */
  attribute: string;
  attributeSet: string;
  name: string;
  before: V | null;
  after: V | null;
}

/** The audit record of an accepted request (`audit: true`); redacted sets masked. */
export interface AuditRecord {
  object: { id: string | null; kind: string };
  actor: { scopes: ({ role: string; scope: string } | { appPermission: string })[] } | null;
  changes: Change[];
}

/** `check` and `plan` when Graph would accept the request. */
export interface Accepted {
  allowed: true;
  authorization: Authorization;
  changes: Change[];
  warnings: Warning[];
  /** The resulting state, as the actor may read it (response form; `null` when empty). */
  customSecurityAttributes: CustomSecurityAttributes | null;
  /** The canonical request body holding exactly the changes (`null` when nothing changes). */
  request: PatchBody | null;
  audit?: AuditRecord;
}

/** `check` and `plan` when Graph would refuse the request: every violation. */
export interface Refused {
  allowed: false;
  authorization: Authorization;
  violations: Violation[];
  warnings: Warning[];
}

/** What `csa check` and `csa plan` print with `--format json`. */
export type CheckReport = Accepted | Refused;

/** What `csa view` prints: the sets the caller may read (`null` when none). */
export interface ViewReport {
  customSecurityAttributes: CustomSecurityAttributes | null;
}

/** What `csa lint` prints. */
export interface LintReport {
  valid: boolean;
  violations: Violation[];
  warnings: Warning[];
}

/** One difference between two catalogs, or one change of a definition request. */
export interface DefinitionChange {
  /** The Graph path of the set, definition or allowed value. */
  path: string;
  kind: 'added' | 'removed' | 'changed';
  property: string | null;
  before: unknown;
  after: unknown;
  allowed: boolean;
  code: Code | null;
}

/** What `csa define` prints for a write (for a `GET`, Graph's response body itself). */
export type DefineOutcome =
  | { allowed: true; authorization: Authorization; changes: DefinitionChange[]; warnings: Warning[] }
  | { allowed: false; authorization: Authorization; violations: Violation[]; warnings: Warning[] };

/** What `csa define` prints: a write's outcome, or a read's Graph response body. */
export type DefineReport = DefineOutcome | { [property: string]: unknown };

/** An assignment a catalog change deactivates. */
export interface Impact {
  objectId: string;
  attribute: string;
  value: AttributeValue;
  effect: 'value_deactivated' | 'attribute_deactivated';
}

/** What `csa evolve` prints. */
export interface EvolveReport {
  legal: boolean;
  changes: DefinitionChange[];
  impact: Impact[];
}

/** One attribute name or value that starts with the text searched for. */
export interface SearchMatch {
  attribute: string;
  attributeSet: string;
  name: string;
  value: AttributeValue;
}

/** What `csa search` prints. */
export interface SearchReport {
  matches: SearchMatch[];
}

/** One object of a list answer, with the properties `$select` asks for. */
export interface Row {
  id?: string | null;
  displayName?: string | null;
  userType?: string | null;
  onPremisesSyncEnabled?: boolean | null;
  customSecurityAttributes?: CustomSecurityAttributes | null;
}

/** What `csa filter` prints: Graph's list body, or the violations of a refused query. */
export type FilterReport =
  | { '@odata.context': string; '@odata.count'?: number; value: Row[] }
  | { violations: Violation[] };

/** What `csa apply` prints: the new state, or the conflicts. */
export type Applied =
  | { customSecurityAttributes: CustomSecurityAttributes | null }
  | { violations: Violation[] };

// ---------------------------------------------------------------------------------------------
// Errors

/** A document csa cannot use at all (what `csa` exits 2 on): its violations. */
export class CsaInputError extends Error {
  name: 'CsaInputError';
  /** `invalid_catalog`, `invalid_object`, `invalid_actor`, `invalid_policy`, `invalid_changes`, ... */
  error: string;
  /** Which document: `catalog`, `object`, `actor`, `policy`, `changes`, ... */
  document: string;
  /** Which item of a list of documents (`line 3`), when the input was a list. */
  item?: string;
  /** Every problem found, ordered by pointer then code. */
  violations: Violation[];
  /** The warnings found alongside. */
  warnings: Warning[];
  /** What `csa ... --format json` prints for it: `{"error", "item"?, "violations"}`. */
  toJSON(): { error: string; item?: string; violations: Violation[] };
}

// ---------------------------------------------------------------------------------------------
// Functions

export interface CheckOptions extends Locate {
  /** The target object as Graph returns it (default: a cloud-only user with nothing assigned). */
  object?: Document<GraphObject>;
  /** The caller (default: authorization is not checked). */
  actor?: Document<Actor>;
  policy?: Document<Policy>;
  /** The object's kind, over its `@odata.type`. */
  objectType?: ObjectType;
  /** Accept directory-synced objects, on top of the policy. */
  allowSynced?: boolean;
  /** Add the audit record of an accepted request. */
  audit?: boolean;
}

/** `csa check`: a PATCH body decided against the catalog, the object and the actor. */
export function check(catalog: Document<Catalog>, patch: Document<PatchBody>, options?: CheckOptions): CheckReport;

/** `csa view`: the object's attributes as the caller may read them. */
export function view(
  catalog: Document<Catalog>,
  object: Document<GraphObject>,
  options?: { actor?: Document<Actor>; policy?: Document<Policy> } & Locate,
): ViewReport;

/** `csa lint`: every problem of a catalog. */
export function lint(catalog: Document<Catalog>, options?: { policy?: Document<Policy> } & Locate): LintReport;

export interface PlanOptions extends Locate {
  actor?: Document<Actor>;
  policy?: Document<Policy>;
  /** Also remove every readable attribute the desired state does not hold. */
  exclusive?: boolean;
  audit?: boolean;
}

/** `csa plan`: the minimal PATCH from the object's state to a desired state, decided. */
export function plan(
  catalog: Document<Catalog>,
  object: Document<GraphObject>,
  desired: Document<DesiredState>,
  options?: PlanOptions,
): CheckReport;

/** `csa apply`: changes (a `check`/`plan` report or its `changes`) applied if nothing moved. */
export function apply(
  catalog: Document<Catalog>,
  object: Document<GraphObject>,
  changes: Document<CheckReport | Change[] | { changes: Change[] }>,
  options?: { policy?: Document<Policy> } & Locate,
): Applied;

/** HTTP methods of definition requests (any letter case). */
export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE' | 'get' | 'post' | 'patch' | 'put' | 'delete';

/** `csa define`: a Graph request on attribute sets, definitions and allowed values. */
export function define(
  catalog: Document<Catalog>,
  method: Method,
  path: string,
  options?: { body?: Document<DefinitionBody>; actor?: Document<Actor>; policy?: Document<Policy> } & Locate,
): DefineReport;

/** `csa evolve`: every difference between two catalogs, and the assignments it deactivates. */
export function evolve(
  oldCatalog: Document<Catalog>,
  newCatalog: Document<Catalog>,
  options?: { objects?: Document<Objects>; policy?: Document<Policy> } & Locate,
): EvolveReport;

export interface SearchOptions extends Locate {
  /** Only attribute sets whose name starts with this. */
  set?: string;
  actor?: Document<Actor>;
  policy?: Document<Policy>;
}

/** `csa search`: the attribute names and values of one object starting with `text`. */
export function search(
  catalog: Document<Catalog>,
  object: Document<GraphObject>,
  text: string,
  options?: SearchOptions,
): SearchReport;

export interface FilterOptions extends Locate {
  /** The `$filter` text, literally. */
  filter?: string;
  /** A raw query string (`$count=true&$filter=...`), URL-decoded; replaces the others. */
  query?: string;
  /** `$count=true`. */
  count?: boolean;
  /** `$select` (default `id,displayName,customSecurityAttributes`). */
  select?: string[] | string;
  /** `$top`. */
  top?: number;
  /** The `ConsistencyLevel` header (`eventual`). */
  consistencyLevel?: string;
  /** The collection queried (default users). */
  objectType?: ObjectType;
  actor?: Document<Actor>;
}

/** `csa filter`: Graph's answer to `GET /users?$filter=...` over the objects. */
export function filter(
  catalog: Document<Catalog>,
  objects: Document<Objects>,
  options?: FilterOptions & { policy?: Document<Policy> },
): FilterReport;

/** A catalog compiled once, under a policy, for many requests. */
export class Engine {
  /** Compiles the catalog; throws a CsaInputError for an invalid catalog or policy. */
  constructor(catalog: Document<Catalog>, policy?: Document<Policy>, options?: Locate);
  check(
    patch: Document<PatchBody>,
    options?: { object?: Document<GraphObject>; actor?: Document<Actor>; objectType?: ObjectType; audit?: boolean } & Locate,
  ): CheckReport;
  view(object: Document<GraphObject>, options?: { actor?: Document<Actor> } & Locate): ViewReport;
  plan(
    object: Document<GraphObject>,
    desired: Document<DesiredState>,
    options?: { actor?: Document<Actor>; exclusive?: boolean; audit?: boolean } & Locate,
  ): CheckReport;
  apply(
    object: Document<GraphObject>,
    changes: Document<CheckReport | Change[] | { changes: Change[] }>,
    options?: Locate,
  ): Applied;
  search(
    object: Document<GraphObject>,
    text: string,
    options?: { set?: string; actor?: Document<Actor> } & Locate,
  ): SearchReport;
  filter(objects: Document<Objects>, options?: FilterOptions): FilterReport;
  /** Releases the compiled catalog now (otherwise the garbage collector does). */
  free(): void;
  [Symbol.dispose](): void;
}
