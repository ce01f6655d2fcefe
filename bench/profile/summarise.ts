/**
 * Summarise a .cpuprofile by self time: per function (top N) and per package/file group.
 *   npx tsx bench/profile/summarise.ts <file.cpuprofile> [top=30] [function name: print its stacks]
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export function summarise(file: string, top = 30): string {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i + 1] ?? 0));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fn = new Map<string, number>();
  const group = new Map<string, number>();
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const short = url.replace(/^file:\/\//, '').replace(/^.*\/work\/main\//, '');
    fn.set(`${functionName || '(anonymous)'} ${short}:${lineNumber + 1}`, (fn.get(`${functionName || '(anonymous)'} ${short}:${lineNumber + 1}`) ?? 0) + us);
    const g = short.includes('node_modules/')
      ? `npm:${short.split('node_modules/').pop()!.split('/').slice(0, short.split('node_modules/').pop()!.startsWith('@') ? 2 : 1).join('/')}`
      : short.startsWith('node:')
        ? short
        : short === ''
          ? functionName || '(native)'
          : short.split('/').slice(0, 2).join('/');
    group.set(g, (group.get(g) ?? 0) + us);
  }
  const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)}%`;
  const lines = [`${file}: ${(total / 1000).toFixed(0)} ms sampled`, '-- by group (self)'];
  for (const [k, v] of [...group].sort((a, b) => b[1] - a[1]).slice(0, 25)) lines.push(`${pct(v)}  ${k}`);
  lines.push('-- by function (self)');
  for (const [k, v] of [...fn].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`${pct(v)}  ${k}`);
  return lines.join('\n');
}

/** Inclusive time per function (each function counted once per sampled stack), top N. */
export function inclusive(file: string, top = 30, match?: string): string {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (n: Node) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^file:\/\//, '').replace(/^.*\/work\/main\//, '')}:${n.callFrame.lineNumber + 1}`;
  const incl = new Map<string, number>();
  const stacks = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const us = p.timeDeltas[i + 1] ?? 0;
    let id: number | undefined = p.samples[i]!;
    if (byId.get(id)!.callFrame.functionName === '(idle)') continue;
    total += us;
    const seen = new Set<string>();
    const chain: string[] = [];
    while (id !== undefined) {
      const l = label(byId.get(id)!);
      chain.push(l);
      if (!seen.has(l)) {
        seen.add(l);
        incl.set(l, (incl.get(l) ?? 0) + us);
      }
      id = parent.get(id);
    }
    const at = match ? chain.findIndex((l) => l.includes(match)) : -1;
    if (at !== -1) {
      // The matched frame, then fig's own frames above it (where the time is spent from).
      const ours = chain.slice(at + 1).filter((l) => /(gateway|legacy-shadow|modules)\//.test(l) && !l.includes('node_modules'));
      const key = [chain[at]!, ...ours.slice(0, 6)].join('\n      < ');
      stacks.set(key, (stacks.get(key) ?? 0) + us);
    }
  }
  const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)}%`;
  const lines = [`-- inclusive (busy ${(total / 1000).toFixed(0)} ms)`];
  for (const [k, v] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`${pct(v)}  ${k}`);
  if (match) {
    lines.push(`-- stacks of ${match}`);
    for (const [k, v] of [...stacks].sort((a, b) => b[1] - a[1]).slice(0, 8)) lines.push(`${pct(v)}  ${k}`);
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, top, match] = process.argv.slice(2);
  process.stdout.write(`${summarise(file!, Number(top ?? 30))}\n${inclusive(file!, Number(top ?? 30) * 2, match)}\n`);
}
