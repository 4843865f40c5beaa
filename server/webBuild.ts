// The dashboard is served from dist/; build it when missing or older than its sources.
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
// WEB_DIST_DIR lets parallel test runs build into folders of their own.
export const DIST_DIR = process.env.WEB_DIST_DIR ? path.resolve(process.env.WEB_DIST_DIR) : path.join(ROOT, 'dist');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

export function webBuildIsCurrent(): boolean {
  const index = path.join(DIST_DIR, 'index.html');
  if (!fs.existsSync(index)) return false;
  const sources = Math.max(newestMtime(path.join(ROOT, 'web')), fs.statSync(path.join(ROOT, 'vite.config.ts')).mtimeMs);
  return fs.statSync(index).mtimeMs >= sources;
}

export async function ensureWebBuilt(log: (msg: string) => void = () => {}): Promise<void> {
  if (webBuildIsCurrent()) return;
  log('building the dashboard (vite build)…');
  const { build } = await import('vite');
  await build({ configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir: DIST_DIR } });
}
