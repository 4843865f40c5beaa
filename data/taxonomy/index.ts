export * from './schema.ts';
export { TAXONOMY, parseTaxonomy, categoryByCode, departmentByCode, getCategory } from './taxonomy.ts';
export { seedTaxonomy } from './seed.ts';
