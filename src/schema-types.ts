/** The schema names and the issue type of validation (no ajv types: the public .d.ts include them). */

/** Names of the schemas hwprobe publishes. */
export const SCHEMA_NAMES = ['report', 'capture', 'expect'] as const;
/** A schema name. */
export type SchemaName = (typeof SCHEMA_NAMES)[number];

/** One schema violation, located by JSON pointer. */
export interface SchemaIssue {
  path: string;
  message: string;
}
