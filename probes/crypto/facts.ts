/** The crypto probe's top-level facts (`report.probes.crypto.facts`), as the public report type shows them. */

/** `report.probes.crypto.facts`. */
export interface CryptoFacts {
  arch?: string;
  /** the CPU family the flag tables are for (`x86`, `arm64`…) */
  family?: string;
  devices?: Record<string, unknown>;
  /** node:crypto's OpenSSL and the system's */
  openssl?: Record<string, unknown>;
  opensslPaths?: Record<string, unknown>[];
  /** OPENSSL_ia32cap / OPENSSL_armcap and what they turn off */
  masks?: Record<string, unknown>;
  abPlan?: Record<string, unknown>;
  calibration?: Record<string, unknown>;
  /** s390x: the CPACF message-security-assist levels (msa, msa1…) the features line and auxv name */
  s390Msa?: string[];
}
