// The layers of src/ (see src/README.md), checked on the real import graph (dependency-cruiser,
// type-only imports included): domain imports nothing of ours; core builds on db, domain and the
// root modules only; plugins know no feature; nothing imports the composition root. Features may
// use core, db, domain and plugins; where one still reaches into another, it is listed below, and
// the list may only shrink: a new import between features, or any cycle between folders, fails
// here.
import { describe, expect, it } from 'vitest';
import { cruise, type IModule } from 'dependency-cruiser';

/** Where the app is put together and started: imported by nothing in src/. */
const COMPOSITION = /^src\/(app|server)\.ts$|^src\/db\/([a-z-]+-cli|seed)\.ts$/;

/** A module's folder: a feature, another top folder of src/, the root modules, or the composition. */
function folderOf(path: string): string | null {
  if (!path.startsWith('src/')) return null;
  if (COMPOSITION.test(path)) return 'composition';
  const m = /^src\/(features\/[^/]+|[^/]+)\//.exec(path);
  return m ? m[1]! : 'root';
}

// Imports between features still to be moved into core/ (shrink this list, never grow it).
const FEATURE_IMPORTS_LEFT = [
  'features/absence -> features/blocks',
  'features/appointments -> features/referral',
  'features/appointments -> features/returning',
  'features/booking -> features/returning',
];

// No two folders reach each other in a circle: strongly connected groups of folders.
const CYCLES_LEFT: string[][] = [];

interface Edge {
  from: string;
  to: string;
  via: string;
}

async function folderEdges(): Promise<Edge[]> {
  const result = await cruise(['src'], { tsPreCompilationDeps: true, exclude: { path: 'node_modules' } }, undefined, {
    tsConfig: { fileName: 'tsconfig.json' },
  });
  if (typeof result.output === 'string') throw new Error('unexpected dependency-cruiser output');
  const edges: Edge[] = [];
  for (const m of result.output.modules as IModule[]) {
    const from = folderOf(m.source);
    if (!from) continue;
    for (const d of m.dependencies) {
      const to = folderOf(d.resolved);
      if (to && to !== from) edges.push({ from, to, via: `${m.source} -> ${d.resolved}` });
    }
  }
  return edges;
}

/** Strongly connected groups of more than one folder (Tarjan). */
function cycles(edges: Edge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const e of edges) {
    if (!next.has(e.from)) next.set(e.from, new Set());
    next.get(e.from)!.add(e.to);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  let counter = 0;
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter);
    counter += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) groups.push(group.sort());
    }
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return groups.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

describe('the layers of src/', () => {
  let edges: Edge[];
  const importsOf = (folder: (f: string) => boolean, allowed: (f: string) => boolean) =>
    edges.filter((e) => folder(e.from) && !allowed(e.to)).map((e) => e.via);

  it('reads the import graph', async () => {
    edges = await folderEdges();
    expect(edges.length).toBeGreaterThan(100);
    expect(edges.some((e) => e.from === 'features/booking' && e.to === 'core')).toBe(true);
  });

  it('keeps domain/ free of everything else of ours', () => {
    expect(
      importsOf(
        (f) => f === 'domain',
        () => false,
      ),
    ).toEqual([]);
  });

  it('builds core/ on db/, domain/ and the root modules only', () => {
    expect(
      importsOf(
        (f) => f === 'core',
        (t) => ['db', 'domain', 'root'].includes(t),
      ),
    ).toEqual([]);
  });

  it('keeps plugins/ and db/ free of features', () => {
    expect(
      importsOf(
        (f) => f === 'plugins' || f === 'db',
        (t) => !t.startsWith('features/') && t !== 'composition',
      ),
    ).toEqual([]);
  });

  it('lets nothing import the composition root (app, server, command-line tools, demo data)', () => {
    expect(edges.filter((e) => e.to === 'composition').map((e) => e.via)).toEqual([]);
  });

  it('adds no import between features (the ones left may only go)', () => {
    const between = [
      ...new Set(
        edges
          .filter((e) => e.from.startsWith('features/') && e.to.startsWith('features/'))
          .map((e) => `${e.from} -> ${e.to}`),
      ),
    ].sort();
    expect(
      between.filter((e) => !FEATURE_IMPORTS_LEFT.includes(e)),
      'new imports between features: move what they share into core/',
    ).toEqual([]);
    expect(
      FEATURE_IMPORTS_LEFT.filter((e) => !between.includes(e)),
      'gone: remove them from FEATURE_IMPORTS_LEFT',
    ).toEqual([]);
  });

  it('has no cycle between folders', () => {
    expect(cycles(edges)).toEqual(CYCLES_LEFT);
  });
});
