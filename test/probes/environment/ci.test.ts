import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ReplayHost } from '../../../src/host/replay-host.js';
import { makeCapture } from '../../../src/host/capture.js';
import { ciVendors } from '../../../src/host/env-allowlist.js';
import { checkEnvSpec, checkPrSpec, detectCi, type CiFacts } from '../../../probes/environment/ci.js';

/** CI detection through a ReplayHost, so the allowlist applies exactly as in a replayed capture. */
function ciOf(env: Record<string, string>): CiFacts {
  const host = new ReplayHost(makeCapture({ env }));
  return detectCi((n) => host.env(n), ciVendors());
}

const CASES: Array<[string, Record<string, string>, CiFacts]> = [
  ['nothing', {}, { isCI: false, vendor: null, constant: null, pr: null }],
  ['GitHub Actions push', { CI: 'true', GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'push' }, { isCI: true, vendor: 'GitHub Actions', constant: 'GITHUB_ACTIONS', pr: false }],
  ['GitHub Actions PR (equality pr spec)', { CI: 'true', GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'pull_request' }, { isCI: true, vendor: 'GitHub Actions', constant: 'GITHUB_ACTIONS', pr: true }],
  ['GitLab MR', { CI: 'true', GITLAB_CI: 'true', CI_MERGE_REQUEST_ID: '42' }, { isCI: true, vendor: 'GitLab CI', constant: 'GITLAB', pr: true }],
  ['Jenkins (array spec: all set)', { JENKINS_URL: 'https://ci.example', BUILD_ID: '7' }, { isCI: true, vendor: 'Jenkins', constant: 'JENKINS', pr: false }],
  ['Jenkins half set: generic CI only', { JENKINS_URL: 'https://ci.example' }, { isCI: false, vendor: null, constant: null, pr: null }],
  ['Jenkins PR (any pr spec)', { JENKINS_URL: 'x', BUILD_ID: '7', CHANGE_ID: '3' }, { isCI: true, vendor: 'Jenkins', constant: 'JENKINS', pr: true }],
  ['Codeship (equality spec)', { CI: 'true', CI_NAME: 'codeship' }, { isCI: true, vendor: 'Codeship', constant: 'CODESHIP', pr: null }],
  ['CI_NAME other than codeship', { CI_NAME: 'something' }, { isCI: true, vendor: null, constant: null, pr: null }],
  ['Heroku (includes spec)', { NODE: '/app/.heroku/node/bin/node' }, { isCI: true, vendor: 'Heroku', constant: 'HEROKU', pr: null }],
  ['NODE elsewhere is not Heroku', { NODE: '/usr/bin/node' }, { isCI: false, vendor: null, constant: null, pr: null }],
  ['Travis (ne pr spec)', { TRAVIS: 'true', TRAVIS_PULL_REQUEST: 'false' }, { isCI: true, vendor: 'Travis CI', constant: 'TRAVIS', pr: false }],
  ['Vercel (any spec)', { VERCEL: '1' }, { isCI: true, vendor: 'Vercel', constant: 'VERCEL', pr: false }],
  ['generic CI=true', { CI: 'true' }, { isCI: true, vendor: null, constant: null, pr: null }],
  ['generic BUILD_NUMBER', { BUILD_NUMBER: '12' }, { isCI: true, vendor: null, constant: null, pr: null }],
  ['CI=false turns everything off', { CI: 'false', GITHUB_ACTIONS: 'true' }, { isCI: false, vendor: null, constant: null, pr: null }],
];

for (const [name, env, want] of CASES) {
  test(`detectCi: ${name}`, () => {
    assert.equal(ciOf(env), want);
  });
}

test('spec evaluators', () => {
  const env = (m: Record<string, string>) => (n: string) => m[n];
  assert.ok(checkEnvSpec({ any: ['A', 'B'] }, env({ B: '1' })));
  assert.not.ok(checkEnvSpec({ any: ['A', 'B'] }, env({})));
  assert.ok(checkEnvSpec(['A', 'B'], env({ A: '1', B: '1' })));
  assert.not.ok(checkEnvSpec(['A', 'B'], env({ A: '1' })));
  assert.is(checkPrSpec(undefined, env({})), null);
  assert.is(checkPrSpec({ env: 'E', any: ['X', 'Y'] }, env({ E: 'Y' })), true);
  assert.is(checkPrSpec({ env: 'E', ne: 'false' }, env({})), false);
});

test('every ci-info vendor is detected from its own env spec', () => {
  // Builds the smallest environment each vendor's spec accepts and checks that vendor wins or at least CI is seen.
  const build = (spec: unknown, out: Record<string, string>): void => {
    if (typeof spec === 'string') out[spec] = '1';
    else if (Array.isArray(spec)) spec.forEach((s) => build(s, out));
    else if (spec && typeof spec === 'object') {
      const o = spec as Record<string, unknown>;
      if (typeof o.env === 'string') out[o.env] = String(o.includes ?? '1');
      else if (Array.isArray(o.any)) out[String(o.any[0])] = '1';
      else for (const [k, v] of Object.entries(o)) out[k] = String(v);
    }
  };
  for (const v of ciVendors()) {
    const env: Record<string, string> = {};
    build(v.env, env);
    const r = ciOf(env);
    assert.is(r.constant, v.constant, v.name);
    assert.ok(r.isCI, v.name);
  }
});

test.run();
