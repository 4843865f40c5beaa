// The demo-data generator: a year of plausible hotline tickets with planted ground truth, for any city package.
export {
  generateDemo,
  DEFAULT_DEMO_TICKETS,
  DEFAULT_DEMO_SEED,
  type DemoProgress,
  type DemoSummary,
  type GenerateDemoOptions,
} from './load.ts';
export { createDemo, type DemoOptions, type DemoRun } from './generator.ts';
export { buildRegionModel, loadRegionModel, type RegionModel, type RegionRow } from './regions.ts';
export { loadTaxonomy, resolveDemoCity, type DemoCity } from './city.ts';
export {
  parseDemoProfile,
  readDemoProfile,
  resolveDemoProfile,
  demoProfileSchema,
  type DemoProfile,
  type DemoSettings,
} from './profile.ts';
export { readDemoTruth, DEMO_TRUTH_KEY, type DemoTruth } from './truth.ts';
export type { DemoTicket, DemoEvent, DemoDispatch } from './types.ts';
