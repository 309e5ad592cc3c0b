/**
 * Build step (run by `prepare` after tsc): compiles the JSON Schemas into one CommonJS module of
 * ajv standalone validators, so a run validates its report without compiling the schema at start-up.
 * The module records a hash of each schema's text; schemas.ts ignores it when the schemas changed.
 */
import { writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PKG_ROOT } from '../paths.js';
import { SCHEMA_NAMES, makeAjv, schemaText } from '../schemas.js';

const require = createRequire(import.meta.url);
const standaloneCode = require('ajv/dist/standalone').default as (ajv: unknown, refs: Record<string, string>) => string;

const ajv = makeAjv({ code: { source: true, esm: false } });
const refs: Record<string, string> = {};
const hashes: Record<string, string> = {};
for (const name of SCHEMA_NAMES) {
  const text = schemaText(name);
  const schema = JSON.parse(text) as { $id: string };
  ajv.addSchema(schema);
  refs[name] = schema.$id;
  hashes[name] = createHash('sha256').update(text).digest('hex');
}
const code = `${standaloneCode(ajv, refs)}\nmodule.exports.__hashes = ${JSON.stringify(hashes)};\n`;
writeFileSync(join(PKG_ROOT, 'dist', 'validators.cjs'), code);
