/**
 * Build step (run by `npm run build` after tsc): writes schemas/findings.md, the reference of every
 * finding code, from the findings tables the probes use (finding-catalog.ts), so it cannot go stale.
 */
import { writeFileSync } from 'node:fs';
import { schemaPath } from '../paths.js';
import { renderFindingsDoc } from './finding-catalog.js';

writeFileSync(schemaPath('findings.md'), renderFindingsDoc());
