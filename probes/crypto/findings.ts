/** The crypto probe's findings: stable codes, args, and the message and hint rendered from them. */
import type { Finding, Severity } from '../../src/types.js';

type Args = Record<string, string | number | boolean | null>;

const q = (v: unknown) => JSON.stringify(v);

/** Every finding code this probe emits, with its severity, message template and hint. */
export const CRYPTO_FINDINGS = {
  CRYPTO_MASKED: {
    severity: 'warning',
    render: (a: Args) => `${a.variable}=${q(a.value)} turns off ${a.bits} in OpenSSL, so ${a.capability} is not used`,
    hint: (a: Args) => `unset ${a.variable}, or fix its value; OpenSSL falls back to a software path several times slower`,
  },
  CRYPTO_MASK_MALFORMED: {
    severity: 'warning',
    render: (a: Args) => `${a.variable}=${q(a.value)} is malformed (${a.parts}); OpenSSL reads it as ${a.reads}`,
    hint: (a: Args) => `${a.variable} takes \`~0xMASK\` (clear bits) or \`0xVALUE\` (replace) per word, words separated by \`:\``,
  },
  CRYPTO_MASK_IGNORED: {
    severity: 'info',
    render: (a: Args) => `${a.variable}=${q(a.value)}: ${a.why}`,
    hint: () => undefined,
  },
  CRYPTO_MASK_FORCES_ABSENT: {
    severity: 'warning',
    render: (a: Args) => `${a.variable}=${q(a.value)} turns on ${a.bits}, which this CPU does not advertise; OpenSSL may die with an illegal instruction`,
    hint: () => 'use `~0xMASK` to clear bits instead of giving an absolute vector',
  },
  CRYPTO_PATHS_MASKED: {
    severity: 'info',
    render: (a: Args) => `${a.variable}=${q(a.value)} closes OpenSSL code paths: ${a.paths}`,
    hint: () => undefined,
  },
  CRYPTO_MASK_DISAGREE: {
    severity: 'info',
    render: (a: Args) => `the system openssl (OPENSSL_ia32cap=${a.oracle}) and hwprobe's reading of the CPU flags and masks differ: ${a.bits}`,
    hint: () => 'either the OpenSSL releases read the variable differently, or CPUID reports a feature that the kernel does not list (the kernel may have disabled it)',
  },
  CRYPTO_GLIBC_TUNABLES_NO_EFFECT: {
    severity: 'info',
    render: (a: Args) => `GLIBC_TUNABLES masks ${a.masked} for glibc; OpenSSL reads CPUID itself, so no crypto capability is affected`,
    hint: () => 'to mask crypto instructions for OpenSSL, use OPENSSL_ia32cap',
  },
  CRYPTO_INEFFECTIVE: {
    severity: 'warning',
    render: (a: Args) =>
      `${a.capability} is advertised and usable, but ${a.metric} ${String(a.metric).includes(',') ? 'are' : 'is'} only ${a.speedup}× the software path (threshold ${a.threshold}×, the whole interval below it)`,
    hint: (a: Args) =>
      (a.contention === 'high' || a.contention === 'moderate'
        ? `contention was ${a.contention} during calibration (see the report's \`contention\`), although a paired A/B rarely blames the path for it; `
        : '') + 'the instruction may be emulated or trapped by the hypervisor, or the CPU throttled; compare with `openssl speed -evp` on this machine',
  },
  CRYPTO_NOT_ADVERTISED_VIRTUALIZED: {
    severity: 'warning',
    render: (a: Args) => `${a.flag} is not advertised although ${a.why}: the hypervisor's CPU model hides it, so ${a.capability} runs in software`,
    hint: () => 'give the guest the host CPU model (QEMU/libvirt `-cpu host` or host-passthrough) or a named model that includes the flag',
  },
  CRYPTO_NOT_ADVERTISED_DISABLED: {
    severity: 'warning',
    render: (a: Args) => `${a.flag} is not advertised although ${a.why}: it is probably disabled in firmware, so ${a.capability} runs in software`,
    hint: () => 'enable the instruction set (e.g. "AES-NI") in the BIOS/UEFI setup',
  },
  CRYPTO_NODE_OPENSSL_OLDER: {
    severity: 'info',
    render: (a: Args) => `the OpenSSL inside Node (${a.node}) is older than the system's (${a.system})`,
    hint: () => 'node:crypto always uses the OpenSSL built into Node; fixes and faster CPU paths of the system library do not reach it until Node is updated',
  },
  CRYPTO_CIPHER_MISSING: {
    severity: 'warning',
    render: (a: Args) => `node:crypto (OpenSSL ${a.node}) lacks ${a.algorithms}`,
    hint: () => 'a Node built against a reduced or FIPS-only OpenSSL does not offer every algorithm',
  },
} as const satisfies Record<string, { severity: Severity; render: (a: Args) => string; hint: (a: Args) => string | undefined }>;

/** A finding code of the crypto probe. */
export type CryptoFindingCode = keyof typeof CRYPTO_FINDINGS;

/** Builds a finding; message and hint are derived from code and args. */
export function finding(code: CryptoFindingCode, args: Args, extra: { capability?: string; evidence?: string[] } = {}): Finding {
  const t = CRYPTO_FINDINGS[code];
  const hint = t.hint(args);
  return { code, severity: t.severity, message: t.render(args), args, ...extra, ...(hint ? { hint } : {}) };
}
