/** The tool's version, from package.json. */
import { readPackageJson } from './paths.js';

export const VERSION: string = readPackageJson<{ version: string }>('package.json').version;
