import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ReplayHost } from '../../../src/host/replay-host.js';
import { execKey, execResult, makeCapture } from '../../../src/host/capture.js';
import {
  CONTAINER_IDS,
  containerFromCgroup,
  containerFromMountinfo,
  detectContainer,
  engineFromId,
  parseMountinfo,
} from '../../../probes/environment/container.js';
import { Trail } from '../../../probes/environment/util.js';

const ran = execResult;

// Hand-written /proc/<pid>/cgroup contents, shaped after what each runtime produces.
const CGROUPS: Array<[string, string, ReturnType<typeof containerFromCgroup>]> = [
  ['host v2', '0::/user.slice/user-1000.slice/session-2.scope\n', undefined],
  ['cgroupns root', '0::/\n', undefined],
  ['docker v1', '12:cpu,cpuacct:/docker/3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c1b2a3f4e\n1:name=systemd:/docker/3f4e5d6c7b8a\n', { engine: 'docker', kubernetes: false }],
  ['docker systemd driver', '0::/system.slice/docker-3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c.scope\n', { engine: 'docker', kubernetes: false }],
  ['kubepods containerd (systemd)', '0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234.slice/cri-containerd-3f4e5d6c7b8a.scope\n', { engine: 'containerd', kubernetes: true }],
  ['kubepods cgroupfs', '11:memory:/kubepods/besteffort/pod0b1c2d3e-aaaa-bbbb-cccc-0123456789ab/3f4e5d6c7b8a9f0e\n', { engine: 'unknown', kubernetes: true }],
  ['kubepods docker', '11:memory:/kubepods/burstable/pod1234/docker-3f4e5d6c7b8a9f0e1d2c.scope\n', { engine: 'docker', kubernetes: true }],
  ['kubepods cri-o', '0::/kubepods.slice/kubepods-pod1234.slice/crio-3f4e5d6c7b8a.scope\n', { engine: 'cri-o', kubernetes: true }],
  ['podman v2', '0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-3f4e5d6c7b8a.scope/container\n', { engine: 'podman', kubernetes: false }],
  ['podman v1', '10:memory:/machine.slice/libpod-3f4e5d6c7b8a.scope\n', { engine: 'podman', kubernetes: false }],
  ['lxc', '0::/lxc.payload.mycontainer\n', { engine: 'lxc', kubernetes: false }],
  ['nspawn', '0::/machine.slice/machine-mybox.scope/payload\n', { engine: 'systemd-nspawn', kubernetes: false }],
];

test('containerFromCgroup', () => {
  for (const [name, text, want] of CGROUPS) assert.equal(containerFromCgroup(text), want, name);
});

// Hand-written mountinfo lines.
const MI_HOST = '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n22 27 0:21 / /proc rw,relatime - proc proc rw\n';
const MI_DOCKER =
  '600 500 0:50 / / rw,relatime master:1 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/A,upperdir=/var/lib/docker/overlay2/x/diff\n' +
  '610 600 254:1 /var/lib/docker/containers/3f4e5d/resolv.conf /etc/resolv.conf rw,relatime - ext4 /dev/sda1 rw\n';
const MI_K8S =
  '700 600 0:60 / / rw - overlay overlay rw\n' +
  '710 700 254:1 /var/lib/kubelet/pods/0b1c2d3e/etc-hosts /etc/hosts rw - ext4 /dev/sda1 rw\n';

test('parseMountinfo and containerFromMountinfo', () => {
  assert.equal(parseMountinfo(MI_HOST)[0], { root: '/', mountPoint: '/', fsType: 'ext4', source: '/dev/vda' });
  assert.equal(containerFromMountinfo(MI_HOST), { overlayRoot: false, engine: undefined, kubernetes: false });
  assert.equal(containerFromMountinfo(MI_DOCKER), { overlayRoot: true, engine: 'docker', kubernetes: false });
  assert.equal(containerFromMountinfo(MI_K8S), { overlayRoot: true, engine: 'unknown', kubernetes: true });
});

test('engine id table', () => {
  assert.is(engineFromId('none'), null);
  assert.is(engineFromId('docker'), 'docker');
  assert.is(engineFromId('something-new'), 'unknown');
  for (const id of Object.keys(CONTAINER_IDS)) assert.ok(engineFromId(id), id);
});

type Case = { name: string; cap: Parameters<typeof makeCapture>[0]; want: Awaited<ReturnType<typeof detectContainer>> };
const CASES: Case[] = [
  {
    name: 'this sandbox: /.dockerenv, systemd-detect-virt -c docker, cgroup paths "/"',
    cap: {
      exists: { '/.dockerenv': true },
      exec: { [execKey('systemd-detect-virt', ['-c'])]: ran('docker\n') },
      files: { '/proc/1/cgroup': '0::/\n', '/proc/self/cgroup': '0::/\n', '/proc/self/mountinfo': MI_HOST },
    },
    want: { isContainer: true, engine: 'docker', kubernetes: false, sources: ['/.dockerenv', 'systemd-detect-virt'] },
  },
  {
    name: 'bare host: systemd says none',
    cap: {
      exec: { [execKey('systemd-detect-virt', ['-c'])]: ran('none\n', 1) },
      files: { '/proc/1/cgroup': '0::/init.scope\n', '/proc/self/cgroup': '0::/user.slice/a.scope\n', '/proc/self/mountinfo': MI_HOST },
    },
    want: { isContainer: false, engine: null, kubernetes: false, sources: ['systemd-detect-virt'] },
  },
  {
    name: 'podman via /run/.containerenv and env container=podman',
    cap: { exists: { '/run/.containerenv': true }, env: { container: 'podman' }, files: { '/proc/self/cgroup': '0::/\n' } },
    want: { isContainer: true, engine: 'podman', kubernetes: false, sources: ['/run/.containerenv', 'env:container'] },
  },
  {
    name: 'kubernetes pod, cgroupns, env and service account dir',
    cap: {
      env: { KUBERNETES_SERVICE_HOST: '<set>' },
      exists: { '/var/run/secrets/kubernetes.io/serviceaccount': true },
      files: { '/proc/self/cgroup': '0::/\n', '/proc/self/mountinfo': MI_K8S },
    },
    want: { isContainer: true, engine: 'unknown', kubernetes: true, sources: ['/proc/self/mountinfo', 'kubernetes'] },
  },
  {
    name: 'WSL kernel',
    cap: { info: { release: '5.15.153.1-microsoft-standard-WSL2' }, files: { '/proc/self/cgroup': '0::/\n' } },
    want: { isContainer: true, engine: 'wsl', kubernetes: false, sources: ['kernel release'] },
  },
  { name: 'empty host', cap: {}, want: { isContainer: null, engine: null, kubernetes: false, sources: [] } },
  {
    name: 'macOS',
    cap: { info: { platform: 'darwin' } },
    want: { isContainer: false, engine: null, kubernetes: false, sources: ['platform'] },
  },
];

for (const c of CASES) {
  test(`detectContainer: ${c.name}`, async () => {
    assert.equal(await detectContainer(new ReplayHost(makeCapture(c.cap)), new Trail()), c.want);
  });
}

test.run();
