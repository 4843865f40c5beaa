// How an imported city package is kept in the database: meta 'city' holds the manifest and the
// policy as they were imported, so a restart serves the same city without the package folder.
import type { PolicyInput } from '../policy/index.ts';
import type { CityManifest } from './manifest.ts';

export const CITY_META_KEY = 'city';

export interface StoredCity {
  manifest: CityManifest;
  /** The package's policy file as written (fields left out take the defaults). */
  policy: PolicyInput;
  /** Where it came from: the folder and a digest of its files. */
  source: { dir: string; sha256: string };
  importedAt: string;
}
