/** The crypto probe's vocabulary (DESIGN §6), built from its capability and kernel tables. */
import { factKeysOf, type ProbeVocabulary } from '../../src/types.js';
import type { CryptoFacts } from './facts.js';
import { CRYPTO_CAPABILITY_IDS, CRYPTO_KERNELS, CRYPTO_METRIC_UNIT } from './tables.js';
import { CRYPTO_FINDINGS } from './findings.js';

/** Every id, code and fact key the crypto probe emits. */
export const cryptoVocabulary: ProbeVocabulary = {
  // crypto.qat: DESIGN §6 (Intel QuickAssist, from probes/crypto/devices.ts)
  capabilities: [...CRYPTO_CAPABILITY_IDS.map((id) => `crypto.${id}`), 'crypto.qat'],
  metrics: Object.fromEntries(CRYPTO_KERNELS.map((k) => [k.metric, CRYPTO_METRIC_UNIT])),
  findings: { CRYPTO_FINDINGS },
  fixes: {
    CRYPTO_MASK_IGNORED: 'nothing to fix: the mask changes nothing OpenSSL uses; remove it to avoid confusion',
    CRYPTO_PATHS_MASKED: 'informational: the named code paths are closed on purpose or by accident; unset OPENSSL_ia32cap when it is not meant',
  },
  facts: factKeysOf<CryptoFacts>()(['arch', 'family', 'devices', 'openssl', 'opensslPaths', 'masks', 'abPlan', 'calibration', 's390Msa']),
  // each kernel's row names the capability its A/B judges (chacha20-poly1305 has none)
  metricCapabilities: Object.fromEntries(CRYPTO_KERNELS.map((k) => [k.metric, k.cap ? [`crypto.${k.cap}`] : []])),
};
