// The import graph's house rules, read from the sources (no bundler): server/, db/ and data/ have
// no import cycle (type-only imports included: a cycle of types still ties the modules' order and
// review together); data/ depends on db/ only; db/ on nothing above it; the web takes nothing of
// server/, db/ or data/ at run time, except the ticket vocabulary (db/vocabulary.ts, which imports
// nothing); and of server/ it takes types from the API contract (server/contract/) only, so response
// types come from the schemas the contract test checks, not from the server's own modules.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(new URL('../..', import.meta.url).pathname);
const TOP = ['server', 'db', 'data', 'web'] as const;

interface Edge {
  to: string;
  typeOnly: boolean;
}

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory())
      return e.name === 'node_modules' || e.name === 'dist' || e.name === 'migrations' ? [] : sources(rel);
    return /\.(ts|vue)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

// import … from '…', export … from '…', import('…'); `import type` / `export type` are type-only.
const IMPORT =
  /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function edgesOf(file: string): Edge[] {
  const src = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const out: Edge[] = [];
  for (const m of src.matchAll(IMPORT)) {
    const spec = m[3] ?? m[4];
    if (!spec?.startsWith('.')) continue;
    const to = path.normalize(path.join(path.dirname(file), spec));
    out.push({ to, typeOnly: Boolean(m[2]) });
  }
  return out;
}

const files = TOP.flatMap((d) => sources(d));
const graph = new Map(files.map((f) => [f, edgesOf(f)]));
const top = (f: string) => f.split(path.sep)[0];

/** Every cycle's members (Tarjan's strongly connected components of more than one file). */
function cycles(nodes: string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    on.add(v);
    for (const { to } of graph.get(v) ?? []) {
      if (!graph.has(to) || !nodes.includes(to)) continue;
      if (!index.has(to)) {
        visit(to);
        low.set(v, Math.min(low.get(v)!, low.get(to)!));
      } else if (on.has(to)) low.set(v, Math.min(low.get(v)!, index.get(to)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? []).some((e) => e.to === v)) out.push(comp.sort());
    }
  };
  for (const v of nodes) if (!index.has(v)) visit(v);
  return out;
}

describe('the import graph', () => {
  it('reads the sources it checks (a broken pattern would pass everything)', () => {
    expect(graph.get(path.join('server', 'app.ts'))!.map((e) => e.to)).toContain(path.join('server', 'env.ts'));
    expect(graph.get(path.join('web', 'components', 'workspace', 'filterValues.ts'))!.map((e) => e.to)).toContain(
      path.join('db', 'vocabulary.ts'),
    );
    // a cycle is found when there is one
    graph.set('tmp/a.ts', [{ to: 'tmp/b.ts', typeOnly: true }]);
    graph.set('tmp/b.ts', [{ to: 'tmp/a.ts', typeOnly: false }]);
    expect(cycles(['tmp/a.ts', 'tmp/b.ts'])).toEqual([['tmp/a.ts', 'tmp/b.ts']]);
    graph.delete('tmp/a.ts');
    graph.delete('tmp/b.ts');
  });

  it('has no cycle in server/, db/ and data/ (type-only imports included)', () => {
    const nodes = files.filter((f) => top(f) !== 'web');
    expect(cycles(nodes)).toEqual([]);
  });

  it('data/ depends on db/ only; db/ on nothing above it; the vocabulary on nothing', () => {
    const allowed: Record<string, string[]> = {
      data: ['data', 'db'],
      db: ['db'],
    };
    expect(graph.get(path.join('db', 'vocabulary.ts'))).toEqual([]);
    const wrong = files.flatMap((f) =>
      allowed[top(f)]
        ? graph
            .get(f)!
            .filter((e) => !allowed[top(f)].includes(top(e.to)))
            .map((e) => `${f} → ${e.to}`)
        : [],
    );
    // Known debt, listed so that it cannot grow: the demo's governance story plants topics through
    // the server's own services (server/governance/*); moving them down to db/ is its own change.
    const KNOWN = new Set(['data/demo/governance.ts']);
    expect([...new Set(wrong)].filter((w) => !KNOWN.has(w.split(' → ')[0]!))).toEqual([]);
  });

  it('the web takes nothing of server/, db/ or data/ at run time (types only)', () => {
    const wrong = files
      .filter((f) => top(f) === 'web')
      .flatMap((f) =>
        graph
          .get(f)!
          .filter((e) => !e.typeOnly && ['server', 'db', 'data'].includes(top(e.to)))
          .filter((e) => e.to !== path.join('db', 'vocabulary.ts'))
          .map((e) => `${f} → ${e.to}`),
      );
    expect(wrong).toEqual([]);
  });

  it("the web takes of server/ only the API contract's types (server/contract/)", () => {
    const contract = path.join('server', 'contract') + path.sep;
    const wrong = files
      .filter((f) => top(f) === 'web')
      .flatMap((f) =>
        graph
          .get(f)!
          .filter((e) => top(e.to) === 'server' && !(e.typeOnly && e.to.startsWith(contract)))
          .map((e) => `${f} → ${e.to}`),
      );
    expect(wrong).toEqual([]);
    // the rule sees a web file's contract import (a broken pattern would pass everything)
    expect(graph.get(path.join('web', 'api', 'ranking.ts'))!.map((e) => e.to)).toContain(
      path.join('server', 'contract', 'ranking.ts'),
    );
  });

  it('routes hold no SQL (server/README.md: it lives in the rooms’ modules)', () => {
    const routes = files.filter((f) => f.startsWith(path.join('server', 'routes') + path.sep));
    // a database call: `.query(` or `.query<`, not the request's `c.req.query(…)`
    const QUERY = /(?<!req)\.query\s*[<(]/;
    const withSql = routes.filter((f) => QUERY.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));
    expect(QUERY.test('await db.query<{ n: number }>(`SELECT 1`)') && !QUERY.test("c.req.query('x')")).toBe(true);
    // Known, listed so that it cannot grow: the liveness probe's SELECT 1 is the check itself.
    const KNOWN = new Set([path.join('server', 'routes', 'health.ts')]);
    expect(withSql.filter((f) => !KNOWN.has(f))).toEqual([]);
    // nor conditions for a room to run: a numbered placeholder being written (`$${params.length}`)
    const PLACEHOLDER = /\$\$\{/;
    expect(PLACEHOLDER.test('where.push(`t.id = $${params.length}`)')).toBe(true);
    expect(routes.filter((f) => PLACEHOLDER.test(fs.readFileSync(path.join(ROOT, f), 'utf8')))).toEqual([]);
  });
});
