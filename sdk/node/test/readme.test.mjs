// The README's install steps and every JavaScript example in it, run for real: the package is
// packed and installed into a fresh project the way the README says, and each example runs
// there against widget-edge dev.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startDev } from './support/servers.mjs';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const examples = [...readme.matchAll(/```(js|cjs)\n([\s\S]*?)```/g)].map(([, language, code]) => ({ language, code }));

describe('README', () => {
  let dev;
  let app;

  before(async () => {
    dev = await startDev({ account: 'acct_readme' });
    app = mkdtempSync(join(tmpdir(), 'widget-edge-readme-'));
    // npm test has just built dist/; --ignore-scripts keeps `prepack` from rebuilding it while
    // the other test files, which run in parallel, import it.
    await run('npm', ['pack', '--ignore-scripts', '--pack-destination', app], { cwd: root });
    const [tarball] = readdirSync(app).filter((name) => name.endsWith('.tgz'));
    assert.equal(tarball, 'widget-edge-client-0.1.0.tgz', 'the name the README installs');
    writeFileSync(join(app, 'package.json'), '{ "name": "readme-app", "private": true }\n');
    await run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(app, tarball)], { cwd: app });
  });

  after(async () => {
    await dev?.close();
    if (app) {
      rmSync(app, { recursive: true, force: true });
    }
  });

  test('has examples in both module formats', () => {
    assert.ok(examples.filter((example) => example.language === 'js').length >= 3);
    assert.ok(examples.some((example) => example.language === 'cjs'));
  });

  for (const [index, example] of examples.entries()) {
    test(`example ${index + 1} (${example.language}) runs against the server`, async () => {
      const file = join(app, `example-${index + 1}.${example.language === 'js' ? 'mjs' : 'cjs'}`);
      writeFileSync(file, example.code);

      const { stdout } = await run(process.execPath, [file], {
        cwd: app,
        env: { ...process.env, WIDGET_EDGE_URL: dev.baseUrl, WIDGET_EDGE_TOKEN: dev.token, WIDGET_EDGE_ACCOUNT: dev.account },
      });

      assert.notEqual(stdout.trim(), '', 'the example prints what it did');
      if (example.code.includes('widgetKeys.create({\n')) {
        assert.match(stdout, /data-client-key="pk_live_[0-9A-Za-z]{36}"/);
      }
      if (example.code.includes('catch (error)')) {
        assert.equal(stdout.trim(), '400 Invalid body or name required - domain_allowlist[0] has a path');
      }
    });
  }
});
