import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ReplayHost } from '../../../src/host/replay-host.js';
import { execKey, execResult, makeCapture } from '../../../src/host/capture.js';
import {
  detectOs,
  findMuslLoader,
  parseGetconfLibc,
  parseLddScript,
  parseMuslVersion,
  parseOsRelease,
  parseProcVersion,
} from '../../../probes/environment/os.js';
import { Trail } from '../../../probes/environment/util.js';

const ran = execResult;

// Debian 12's /etc/os-release (copied from this sandbox).
const DEBIAN = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
`;
// Hand-written after Alpine 3.19's.
const ALPINE = `NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"\n`;

test('parseOsRelease', () => {
  const d = parseOsRelease(DEBIAN);
  assert.equal([d.ID, d.VERSION_ID, d.PRETTY_NAME, d.VERSION_CODENAME], ['debian', '12', 'Debian GNU/Linux 12 (bookworm)', 'bookworm']);
  assert.equal(parseOsRelease(`# c\nNAME='Single'\nX="a \\"q\\" b"\nbad line\n`), { NAME: 'Single', X: 'a "q" b' });
});

test('libc parsers', () => {
  assert.is(parseGetconfLibc('glibc 2.36\n'), '2.36');
  assert.is(parseGetconfLibc('NPTL 2.3'), undefined);
  assert.is(parseMuslVersion('musl libc (x86_64)\nVersion 1.2.4\nDynamic Program Loader\n'), '1.2.4');
  assert.is(findMuslLoader(['bin', 'ld-musl-x86_64.so.1', 'libc.musl-x86_64.so.1']), 'ld-musl-x86_64.so.1');
  assert.is(findMuslLoader(['x86_64-linux-gnu']), undefined);
  assert.equal(parseLddScript("    echo 'ldd (Debian GLIBC 2.36-9+deb12u14) 2.36'\n"), { family: 'glibc', version: '2.36' });
  assert.is(parseProcVersion('Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org) (gcc 12) #1 SMP\n'), '6.1.0-18-amd64');
});

type Case = { name: string; cap: Parameters<typeof makeCapture>[0]; want: Partial<Awaited<ReturnType<typeof detectOs>>> };
const CASES: Case[] = [
  {
    name: 'Debian with glibc',
    cap: {
      info: { release: '6.1.0-18-amd64', versions: { node: '20.20.2', v8: '11.3', openssl: '3.0.19' } },
      files: { '/etc/os-release': DEBIAN },
      dirs: { '/lib': ['x86_64-linux-gnu'] },
      exec: { [execKey('getconf', ['GNU_LIBC_VERSION'])]: ran('glibc 2.36\n') },
    },
    want: {
      os: { id: 'debian', version: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' },
      kernel: '6.1.0-18-amd64',
      libc: { family: 'glibc', version: '2.36' },
      node: '20.20.2',
      v8: '11.3',
      openssl: '3.0.19',
    },
  },
  {
    name: 'Alpine with musl (getconf fails, loader prints its version and exits 1)',
    cap: {
      files: { '/usr/lib/os-release': ALPINE, '/proc/version': 'Linux version 6.6.1-0-lts (build@alpine) #1\n' },
      dirs: { '/lib': ['apk', 'ld-musl-aarch64.so.1'] },
      exec: {
        [execKey('getconf', ['GNU_LIBC_VERSION'])]: ran('', 1, 'getconf: GNU_LIBC_VERSION: unknown variable'),
        [execKey('/lib/ld-musl-aarch64.so.1', [])]: ran('', 1, 'musl libc (aarch64)\nVersion 1.2.4\n'),
      },
    },
    want: { os: { id: 'alpine', version: '3.19.1', prettyName: 'Alpine Linux v3.19' }, kernel: '6.6.1-0-lts', libc: { family: 'musl', version: '1.2.4' }, openssl: null },
  },
  {
    name: 'macOS',
    cap: { info: { platform: 'darwin', release: '23.4.0' }, exec: { [execKey('sw_vers', ['-productVersion'])]: ran('14.4.1\n') } },
    want: { os: { id: 'macos', version: '14.4.1', prettyName: 'macOS 14.4.1' }, kernel: '23.4.0', libc: { family: 'system', version: null } },
  },
  {
    name: 'Windows',
    cap: { info: { platform: 'win32', release: '10.0.22631', version: 'Windows 11 Pro' } },
    want: { os: { id: 'windows', version: '10.0.22631', prettyName: 'Windows 11 Pro' }, libc: { family: 'system', version: null } },
  },
  {
    name: 'empty host',
    cap: {},
    want: { os: { id: null, version: null, prettyName: null }, kernel: null, libc: { family: null, version: null } },
  },
];

for (const c of CASES) {
  test(`detectOs: ${c.name}`, async () => {
    const got = await detectOs(new ReplayHost(makeCapture(c.cap)), new Trail());
    for (const [k, v] of Object.entries(c.want)) assert.equal(got[k as keyof typeof got], v, k);
  });
}

test.run();
