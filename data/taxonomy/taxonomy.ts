// The validated taxonomy: checked once at import, so a bad code fails at start-up, not at dispatch.
import { CATEGORIES, CATEGORY_GROUPS } from './categories.ts';
import { DEPARTMENTS } from './departments.ts';
import { taxonomySchema, type Category, type Department, type Taxonomy } from './schema.ts';

/** Parse a taxonomy (e.g. another city's catalogue) and fail with every problem listed at once. */
export function parseTaxonomy(input: unknown): Taxonomy {
  return taxonomySchema.parse(input);
}

export const TAXONOMY: Taxonomy = parseTaxonomy({ departments: DEPARTMENTS, groups: CATEGORY_GROUPS, categories: CATEGORIES });

export const categoryByCode: ReadonlyMap<string, Category> = new Map(TAXONOMY.categories.map((c) => [c.code, c]));
export const departmentByCode: ReadonlyMap<string, Department> = new Map(TAXONOMY.departments.map((d) => [d.code, d]));

export function getCategory(code: string): Category {
  const c = categoryByCode.get(code);
  if (!c) throw new Error(`unknown category '${code}'`);
  return c;
}
