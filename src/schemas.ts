/** The JSON Schemas shipped in schemas/, compiled with ajv (strict) on first use. */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { PKG_ROOT, schemaPath } from './paths.js';
import { SCHEMA_NAMES, type SchemaIssue, type SchemaName } from './schema-types.js';

export { SCHEMA_NAMES, type SchemaIssue, type SchemaName };

const require = createRequire(import.meta.url);


const texts = new Map<SchemaName, string>();
const validators = new Map<SchemaName, ValidateFunction>();

/** The schema's JSON text, as shipped. */
export function schemaText(name: SchemaName): string {
  let t = texts.get(name);
  if (!t) {
    t = readFileSync(schemaPath(`${name}.schema.json`), 'utf8');
    texts.set(name, t);
  }
  return t;
}

/** The ajv instance every schema is compiled with (strict, all errors, date-time format). */
export function makeAjv(extra: Record<string, unknown> = {}): import('ajv').default {
  // ajv ships CJS; require avoids default-export interop.
  const Ajv2020 = require('ajv/dist/2020.js').default as typeof import('ajv').default;
  const addFormats = require('ajv-formats').default as (a: unknown, f: string[]) => void;
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true, ...extra });
  addFormats(ajv, ['date-time']);
  return ajv;
}

/** The validator precompiled by src/build/standalone.ts, when present and built from this very schema. */
function precompiled(name: SchemaName): ValidateFunction | undefined {
  try {
    const mod = require(join(PKG_ROOT, 'dist', 'validators', `${name}.cjs`)) as Record<string, ValidateFunction> & { __hash: string };
    const hash = createHash('sha256').update(schemaText(name)).digest('hex');
    return mod.__hash === hash ? mod[name] : undefined;
  } catch {
    return undefined;
  }
}

/** A validator: precompiled when the build made one, else compiled now. */
export function validator(name: SchemaName): ValidateFunction {
  let v = validators.get(name);
  if (!v) {
    v = precompiled(name) ?? makeAjv().compile(JSON.parse(schemaText(name)));
    validators.set(name, v);
  }
  return v;
}

/** Renders ajv errors as {path, message}, naming the offending property where ajv keeps it in params. */
export function describeErrors(errors: ErrorObject[] | null | undefined): SchemaIssue[] {
  return (errors ?? []).map((e) => {
    const p = e.params as Record<string, unknown>;
    let path = e.instancePath || '/';
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties' && typeof p.additionalProperty === 'string') {
      path = `${e.instancePath}/${p.additionalProperty}`;
      message = 'is not allowed here';
    } else if (e.keyword === 'required' && typeof p.missingProperty === 'string') {
      path = `${e.instancePath}/${p.missingProperty}`;
      message = 'is required';
    } else if (e.keyword === 'enum' && Array.isArray(p.allowedValues)) {
      message = `must be one of ${p.allowedValues.map((x) => JSON.stringify(x)).join(', ')}`;
    }
    return { path, message };
  });
}

/** Validates a value; returns the issues (empty when valid). */
export function validate(name: SchemaName, value: unknown): SchemaIssue[] {
  const v = validator(name);
  return v(value) ? [] : describeErrors(v.errors);
}
