// The documents stay true to the code: every route of the table is in docs/openapi.yaml, and
// README.md carries the configuration reference the binary prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runParta } from './lib/server.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (p) => readFileSync(path.join(ROOT, p), 'utf8');

test('docs/openapi.yaml documents every route of the route table with its method', () => {
  const table = read('src/api/api.c');
  const routes = [...table.matchAll(/\{HTTP_(GET|POST|PUT|PATCH|DELETE), "([^"]+)",/g)];
  assert.ok(routes.length >= 7, 'routes found in src/api/api.c');
  const yaml = read('docs/openapi.yaml');
  for (const [, method, route] of routes) {
    const at = yaml.indexOf(`\n  ${route}:\n`);
    assert.ok(at >= 0, `${route} missing from openapi.yaml`);
    const next = yaml.slice(at + 1).search(/\n {2}\/\S*:\n/);
    const block = next < 0 ? yaml.slice(at) : yaml.slice(at, at + 1 + next);
    assert.match(block, new RegExp(`\\n {4}${method.toLowerCase()}:`), `${method} ${route}`);
  }
});

test('README.md carries the configuration reference printed by parta --help-config', () => {
  const ref = runParta(['--help-config']);
  assert.equal(ref.status, 0);
  const readme = read('README.md');
  for (const line of ref.stdout.trim().split('\n')) assert.ok(readme.includes(line), `README lacks: ${line}`);
  assert.match(readme, /make demo/);
  assert.match(readme, /make check/);
});
