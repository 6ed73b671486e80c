// `npm run docs:config`: regenerate the README's configuration table from the zod schema.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderConfigSection } from '../src/config/config.docs.ts';

const file = new URL('../README.md', import.meta.url);
const before = readFileSync(file, 'utf8');
const after = renderConfigSection(before);
if (after !== before) {
  writeFileSync(file, after);
  console.log('README.md: configuration table updated');
} else {
  console.log('README.md: configuration table is up to date');
}
