// Writes config.schema.json, the JSON Schema of `sim2real train --config`, from the translation options' schema.
import { writeFile } from 'node:fs/promises';
import { translationOptionsJsonSchema } from '../src/index.js';
import { CONFIG_SCHEMA_FILE } from './config-schema-file.js';

await writeFile(CONFIG_SCHEMA_FILE, translationOptionsJsonSchema());
process.stdout.write(`wrote ${CONFIG_SCHEMA_FILE}\n`);
