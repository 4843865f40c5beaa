// The monthly ranking (三率排名): pure rules, no I/O. See README.md for every default.
export * from './policy.ts';
export * from './rates.ts';
export * from './rank.ts';
export * from './classes.ts';
export * from './month.ts';
export * from './whatIf.ts';
