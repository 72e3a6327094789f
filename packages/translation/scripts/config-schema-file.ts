import { fileURLToPath } from 'node:url';

/** The committed JSON Schema of `sim2real train --config` (regenerate: `npm run gen:schema -w @sim2real/translation`). */
export const CONFIG_SCHEMA_FILE = fileURLToPath(new URL('../config.schema.json', import.meta.url));
