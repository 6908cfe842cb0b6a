// `csa serve` driven by Microsoft's JavaScript SDK for Graph (@microsoft/msgraph-sdk, with its
// users and directory packages), as an application would drive Graph: `createGraphServiceClient`
// on the SDK's `GraphRequestAdapter` (kiota's `FetchRequestAdapter`) whose base URL is the
// server's and whose access-token provider returns a bearer token of tests/sdk/tokens.json.
// Assignments are sent as Microsoft Learn's examples send them: `customSecurityAttributes` with
// the attribute sets in `additionalData`, each annotated
// `"@odata.type": "#Microsoft.DirectoryServices.CustomSecurityAttributeValue"`
// (https://learn.microsoft.com/en-us/graph/custom-security-attributes-examples).
//
// The server is the built `csa` (`$CSA_BIN`, or target/debug/csa built with --features serve),
// one per test, on port 0, from docs/examples/sample-catalog.json and tenant.jsonl.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { AllowedHostsValidator, BaseBearerTokenAuthenticationProvider } from '@microsoft/kiota-abstractions';
import { FetchRequestAdapter } from '@microsoft/kiota-http-fetchlibrary';
import { createGraphServiceClient, GraphRequestAdapter } from '@microsoft/msgraph-sdk';
import '@microsoft/msgraph-sdk-users';
import '@microsoft/msgraph-sdk-directory';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const examples = join(root, 'docs', 'examples');
const csaBin = process.env.CSA_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'debug', 'csa');

const SET_TYPE = '#Microsoft.DirectoryServices.CustomSecurityAttributeValue';
const ALAIN = 'c4f9ecd3-d3c1-4544-b49a-bc9bb62beb67';
const JIYA = 'dbaf3778-4f81-4ea0-ac1c-502a293c12ac';

/** Starts `csa serve` on port 0; resolves to its address once it prints it. */
async function startServer(t) {
  assert.ok(existsSync(csaBin), `${csaBin} does not exist: run \`cargo build --features serve --bin csa\``);
  const child = spawn(csaBin, [
    'serve',
    '--catalog', join(examples, 'sample-catalog.json'),
    '--objects', join(examples, 'tenant.jsonl'),
    '--tokens', join(root, 'tests', 'sdk', 'tokens.json'),
    '--listen', '127.0.0.1:0',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = [];
  createInterface({ input: child.stderr }).on('line', (line) => log.push(line));
  const exited = new Promise((done) => child.on('exit', (code, signal) => done({ code, signal })));
  t.after(async () => {
    child.kill('SIGTERM');
    const { code } = await exited;
    assert.equal(code, 0, log.join('\n'));
  });
  const lines = createInterface({ input: child.stdout });
  const [first] = await Promise.race([
    new Promise((done) => lines.once('line', (line) => done([line]))),
    exited.then(() => [null]),
  ]);
  assert.match(first ?? '', /^listening on http:\/\/127\.0\.0\.1:\d+$/, log.join('\n'));
  return { address: first.replace('listening on ', ''), log };
}

/** The SDK's client, sending `token` to the server. */
function client(server, token = 'admin-token') {
  const tokens = {
    getAuthorizationToken: async () => token,
    getAllowedHostsValidator: () => new AllowedHostsValidator(),
  };
  const adapter = new GraphRequestAdapter(new BaseBearerTokenAuthenticationProvider(tokens));
  assert.ok(adapter instanceof FetchRequestAdapter);
  adapter.baseUrl = `${server.address}/v1.0`;
  return createGraphServiceClient(adapter);
}

/** `GET /users/{id}?$select=customSecurityAttributes`, as the caller may read it. */
async function attributes(graph, id) {
  const user = await graph.users.byUserId(id).get({ queryParameters: { select: ['customSecurityAttributes'] } });
  return user.customSecurityAttributes?.additionalData ?? {};
}

/** The `ODataError` the SDK throws for a refused request: status, Graph's code and message. */
async function refusal(promise) {
  try {
    await promise;
  } catch (error) {
    return [error.responseStatusCode, error.errorEscaped?.code, error.errorEscaped?.message];
  }
  assert.fail('the request was accepted');
}

const assignment = (sets) => ({
  customSecurityAttributes: {
    additionalData: Object.fromEntries(
      Object.entries(sets).map(([name, values]) => [name, { '@odata.type': SET_TYPE, ...values }]),
    ),
  },
});

test('assign a string, a multi-string, an Int32 and a Boolean, then read them with $select', async (t) => {
  const server = await startServer(t);
  const graph = client(server);
  const sent = {
    Engineering: {
      'Project@odata.type': '#Collection(String)',
      Project: ['Baker', 'Cascade'],
      'NumVendors@odata.type': '#Int32',
      NumVendors: 4,
      Certification: true,
    },
    Marketing: { EmployeeId: 'AB12345' },
  };
  assert.equal(await graph.users.byUserId(ALAIN).patch(assignment(sent)), undefined); // 204
  const read = await attributes(graph, ALAIN);
  assert.deepEqual(read, {
    Engineering: {
      '@odata.type': '#microsoft.graph.customSecurityAttributeValue',
      'Project@odata.type': '#Collection(String)',
      Project: ['Baker', 'Cascade'],
      NumVendors: 4,
      Certification: true,
    },
    Marketing: { '@odata.type': '#microsoft.graph.customSecurityAttributeValue', EmployeeId: 'AB12345' },
  });

  // Remove with null and with [].
  const removal = { Engineering: { NumVendors: null, 'Project@odata.type': '#Collection(String)', Project: [] } };
  await graph.users.byUserId(ALAIN).patch(assignment(removal));
  const after = await attributes(graph, ALAIN);
  assert.deepEqual(Object.keys(after.Engineering).sort(), ['@odata.type', 'Certification']);

  const user = await graph.users.byUserId(JIYA).get({ queryParameters: { select: ['id', 'displayName', 'customSecurityAttributes'] } });
  assert.equal(user.displayName, 'Jiya');
  assert.deepEqual(Object.keys(user.customSecurityAttributes.additionalData).sort(), ['Engineering', 'Marketing']);
});

test('list with $filter and $count (ConsistencyLevel: eventual)', async (t) => {
  const server = await startServer(t);
  const page = await client(server).users.get({
    queryParameters: {
      count: true,
      filter: "customSecurityAttributes/Marketing/AppCountry eq 'Canada'",
      select: ['id', 'displayName', 'customSecurityAttributes'],
    },
    headers: { ConsistencyLevel: 'eventual' },
  });
  assert.equal(page.odataCount, 2);
  assert.deepEqual(page.value.map((u) => u.displayName).sort(), ['Jana', 'Jiya']);
});

test('define: an attribute set, a definition with allowed values, a value deactivated', async (t) => {
  const server = await startServer(t);
  const directory = client(server).directory;
  const set = await directory.attributeSets.post({ id: 'Finance', description: 'Attributes for finance', maxAttributesPerSet: 10 });
  assert.equal(set.id, 'Finance');
  const definition = await directory.customSecurityAttributeDefinitions.post({
    attributeSet: 'Finance',
    name: 'CostCentre',
    description: 'Cost centre of the user',
    type: 'String',
    isCollection: false,
    isSearchable: true,
    status: 'Available',
    usePreDefinedValuesOnly: true,
    allowedValues: [{ id: 'North', isActive: true }, { id: 'South', isActive: true }],
  });
  assert.equal(definition.id, 'Finance_CostCentre');
  const values = directory.customSecurityAttributeDefinitions.byCustomSecurityAttributeDefinitionId('Finance_CostCentre').allowedValues;
  await values.byAllowedValueId('South').patch({ isActive: false });
  const listed = await values.get();
  assert.deepEqual(listed.value.map((v) => [v.id, v.isActive]), [['North', true], ['South', false]]);
  const [status, code, message] = await refusal(
    client(server).users.byUserId(ALAIN).patch(assignment({ Finance: { CostCentre: 'South' } })),
  );
  assert.deepEqual([status, code], [400, 'Request_BadRequest']);
  assert.match(message, /South/);
});

test('refusals reach the SDK as ODataError with Graph\'s code and message', async (t) => {
  const server = await startServer(t);
  const users = client(server).users.byUserId(ALAIN);
  assert.deepEqual(await refusal(users.patch(assignment({ Engineering: { Projectdat: 'x' } }))), [
    400, 'Request_BadRequest', 'the attribute `Projectdat` does not exist in `Engineering`',
  ]);
  const wrongCase = { Engineering: { 'Project@odata.type': '#Collection(String)', Project: ['baker'] } };
  assert.deepEqual(await refusal(users.patch(assignment(wrongCase))), [
    400, 'Request_BadRequest', '`baker` is not a predefined value of `Engineering_Project`',
  ]);
  const reader = client(server, 'mkt-reader-token').users.byUserId(ALAIN);
  assert.deepEqual(await refusal(reader.patch(assignment({ Engineering: { Certification: true } }))), [
    403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.',
  ]);
  assert.deepEqual(await attributes(client(server), ALAIN), {});
  const statuses = server.log.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l).status);
  assert.deepEqual(statuses, [400, 400, 403, 200]);
});
