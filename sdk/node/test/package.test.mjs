// The package itself: both module formats load, nothing is needed at run time, and every
// operation of the OpenAPI document has its SDK method (and no method lacks an operation).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as esm from '@widget-edge/client';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const OPENAPI = join(root, '../../admin-api/src/main/resources/dev/widgetedge/admin/openapi.json');

test('the ES module and the CommonJS build export the same API', () => {
  const cjs = require('@widget-edge/client');

  assert.deepEqual(Object.keys(esm).sort(), ['AuditEvents', 'WidgetEdge', 'WidgetEdgeError', 'WidgetKeys']);
  assert.deepEqual(Object.keys(cjs).sort(), Object.keys(esm).sort());
  assert.equal(require.resolve('@widget-edge/client'), join(root, 'dist/cjs/index.js'));
  assert.equal(typeof cjs.WidgetEdge, 'function');
});

test('there are no runtime dependencies, and Node 18 or newer is declared', () => {
  assert.equal(manifest.dependencies, undefined);
  assert.equal(manifest.peerDependencies, undefined);
  assert.equal(manifest.optionalDependencies, undefined);
  assert.equal(manifest.engines.node, '>=18');
});

test('the packed package holds both builds with their type declarations', () => {
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }));
  const files = packed.files.map((file) => file.path);

  for (const file of ['dist/esm/index.js', 'dist/esm/index.d.ts', 'dist/cjs/index.js', 'dist/cjs/index.d.ts',
    'dist/cjs/package.json', 'README.md', 'package.json']) {
    assert.ok(files.includes(file), `${file} missing from ${files}`);
  }
  assert.ok(!files.some((file) => file.startsWith('test/') || file.startsWith('node_modules/')), `${files}`);
});

test('every operation of the OpenAPI document has its SDK method, and every method its operation', () => {
  const document = JSON.parse(readFileSync(OPENAPI, 'utf8'));
  const client = new esm.WidgetEdge({ baseUrl: 'http://127.0.0.1:1', token: 'unused-token' });
  const documented = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (operation?.tags?.includes('widget-keys')) {
        const sdkMethod = operation['x-sdk-method'];
        assert.ok(sdkMethod, `${method.toUpperCase()} ${path} (${operation.operationId}) has no x-sdk-method`);
        const [resource, name] = sdkMethod.split('.');
        assert.equal(typeof client[resource]?.[name], 'function', `${sdkMethod} for ${operation.operationId}`);
        documented.push(sdkMethod);
      }
    }
  }
  const methods = Object.getOwnPropertyNames(esm.WidgetKeys.prototype).filter((name) => name !== 'constructor');

  assert.deepEqual(documented.sort(), methods.map((name) => `widgetKeys.${name}`).sort());
});

test('every pattern of the OpenAPI document is an ECMA-262 regular expression with the u flag, and means what the server means', () => {
  const document = JSON.parse(readFileSync(OPENAPI, 'utf8'));
  const patterns = [];
  (function collect(node) {
    if (node && typeof node === 'object') {
      for (const [name, value] of Object.entries(node)) {
        if (name === 'pattern' && typeof value === 'string') {
          patterns.push(new RegExp(value, 'u'));
        } else {
          collect(value);
        }
      }
    }
  })(document);
  const origin = new RegExp(document.components.schemas.DomainAllowlistInput.items.pattern, 'u');
  const name = new RegExp(document.components.schemas.CreateWidgetKeyRequest.properties.name.pattern, 'u');

  assert.ok(patterns.length > 20);
  for (const accepted of ['https://acme.com', 'HTTPS://Acme.com:443/', 'https://*.acme.com', 'http://[::1]:8080', 'http://127.0.0.1']) {
    assert.ok(origin.test(accepted), accepted);
  }
  for (const refused of ['https://acme.com/path', 'https://acme.com\n', 'https://*.com', 'http://127.1', 'http://a:65536']) {
    assert.ok(!origin.test(refused), refused);
  }
  assert.ok(name.test('\tacme\u3000') && name.test('\u{1F600}'.repeat(200)), 'trimmed, counted in code points');
  assert.ok(!name.test('') && !name.test('  ') && !name.test('a\u0000b') && !name.test('\u{1F600}'.repeat(201)));
});
