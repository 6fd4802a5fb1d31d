import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { schemaFiles } from './json-schemas.ts';

/**
 * `npm run events:schemas`: writes events/schemas/<DetailType>.v<N>.json from the contracts.
 * Files of earlier versions are left alone: consumers may still read them.
 */
const directory = path.join(import.meta.dirname, 'schemas');
mkdirSync(directory, { recursive: true });

for (const { fileName, text } of schemaFiles()) {
  const file = path.join(directory, fileName);
  const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  if (current === text) continue;
  writeFileSync(file, text);
  console.log(`${current === undefined ? 'created' : 'updated'} ${path.relative(process.cwd(), file)}`);
}
