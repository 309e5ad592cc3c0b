/** JSON renderer: the report as it is, two-space indented. */
import type { Report } from '../types.js';

/** Renders the report as JSON text. */
export function renderJson(r: Report): string {
  return JSON.stringify(r, null, 2) + '\n';
}
