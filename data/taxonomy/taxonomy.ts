// The demo city's validated taxonomy, read from its city package (data/cities/beijing/taxonomy.json)
// and checked once at import, so a bad code fails at start-up, not at dispatch. Every other city
// brings its own taxonomy file in its package; the server reads categories from the database.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { taxonomySchema, type Category, type Department, type Taxonomy } from './schema.ts';

/** Parse a taxonomy (e.g. another city's catalogue) and fail with every problem listed at once. */
export function parseTaxonomy(input: unknown): Taxonomy {
  return taxonomySchema.parse(input);
}

export const DEMO_TAXONOMY_FILE = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'cities',
  'beijing',
  'taxonomy.json',
);

export const TAXONOMY: Taxonomy = parseTaxonomy(JSON.parse(fs.readFileSync(DEMO_TAXONOMY_FILE, 'utf8')));

export const categoryByCode: ReadonlyMap<string, Category> = new Map(TAXONOMY.categories.map((c) => [c.code, c]));
export const departmentByCode: ReadonlyMap<string, Department> = new Map(TAXONOMY.departments.map((d) => [d.code, d]));

export function getCategory(code: string): Category {
  const c = categoryByCode.get(code);
  if (!c) throw new Error(`unknown category '${code}'`);
  return c;
}
