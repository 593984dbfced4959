import * as path from 'node:path';

/**
 * The tool's own tests use this copy of the Pharmacy example (configuration and handler), never the
 * repository's root tollgate.config.ts or lambda/: those are the example project, which a user edits,
 * and only tollgate.test.ts checks them.
 */
export const PHARMACY_DIR = path.join(__dirname, 'fixtures', 'pharmacy');
export const PHARMACY_CONFIG = path.join(PHARMACY_DIR, 'tollgate.config.ts');
export const PHARMACY_HANDLER = path.join(PHARMACY_DIR, 'lambda', 'handler.ts');
