// Writes connectors/schema.json, the JSON Schema of a connector file, from the zod schema the
// server parses connector files with. Each connector file names it in `$schema`, so editors
// validate and complete it. `src/connectors/schema.test.ts` fails when the shipped file is stale.
// Usage: npx tsx scripts/connector-schema.ts   (npm run connectors:schema)
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { BUILTIN_CONNECTORS_DIR, SCHEMA_FILE } from '../src/connectors/loader.js';
import { connectorJsonSchema } from '../src/connectors/schema.js';

const file = path.join(BUILTIN_CONNECTORS_DIR, SCHEMA_FILE);
writeFileSync(file, `${JSON.stringify(connectorJsonSchema(), null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), file)}`);
