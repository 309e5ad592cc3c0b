/** Build step (run by `npm run build` first, through tsx, so that tsc already sees new codes): writes src/ids.generated.ts from the registry (id-types.ts). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PKG_ROOT } from '../paths.js';
import { renderIdTypes } from './id-types.js';

writeFileSync(join(PKG_ROOT, 'src', 'ids.generated.ts'), renderIdTypes());
