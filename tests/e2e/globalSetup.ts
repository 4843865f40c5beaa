// Vitest global setup: make sure dist/ holds a build of the current web sources, so browser
// tests load the same bundle the server ships.
import { ensureWebBuilt } from '../../server/webBuild.ts';

export default async function setup(): Promise<void> {
  const t0 = Date.now();
  await ensureWebBuilt((msg) => console.log(`[e2e] ${msg}`));
  console.log(`[e2e] dist/ current (${Date.now() - t0} ms)`);
}
