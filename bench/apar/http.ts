/**
 * AP/AR over HTTP, same data and requests, same run: the real legacy FastAPI service directly vs
 * fig (`gateway/main.ts`) with the 16 AP/AR routes in mode `new`. Legacy's seeded AP/AR is
 * backfilled into fig, then APAR_HTTP_INVOICES (default 100,000) more invoices with the same ids,
 * numbers, amounts and dates are bulk-loaded into both (legacy's SQLite, fig's Postgres ledger).
 * Each list request is sent open-loop at APAR_HTTP_RATE (50) req/s for APAR_HTTP_SECONDS (15) s;
 * p50/p95 per side. Appends its table to bench/results/apar.md (run after bench/apar/run.ts).
 *   node --import tsx bench/apar/http.ts     env: APAR_HTTP_INVOICES, APAR_HTTP_RATE, APAR_HTTP_SECONDS
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { appendFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pino from 'pino';
import { createDb } from '../../modules/core/db';
import { APAR_ROUTE_KEYS, backfillApar } from '../../modules/apar/index';
import { freePort, startLegacy } from '../../test/global-setup';
import { runBench } from '../proxy/lifecycle';
import { createBenchDb, waitForOk } from '../lib/setup';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const N = Number(process.env.APAR_HTTP_INVOICES ?? 100_000);
const RATE = Number(process.env.APAR_HTTP_RATE ?? 50);
const SECONDS = Number(process.env.APAR_HTTP_SECONDS ?? 15);
const WARMUP_SECONDS = Number(process.env.APAR_HTTP_WARMUP_SECONDS ?? 3);
const TOKEN = randomBytes(16).toString('hex');
const FIRST = 1001; // bulk invoice ids start here (legacy seeds 320)
const children: ChildProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];
const log = (msg: string) => process.stderr.write(`[bench:apar-http] ${msg}\n`);
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)] ?? NaN;

/** Send `url` at RATE req/s for SECONDS, without waiting for answers (open loop); latencies in ms. */
async function openLoop(url: string, rate = RATE, seconds = SECONDS) {
  const ms: number[] = [];
  let failed = 0;
  const inflight: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < rate * seconds; i++) {
    const wait = start + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const s = performance.now();
    inflight.push(
      fetch(url, { signal: AbortSignal.timeout(30_000) })
        .then(async (r) => {
          await r.arrayBuffer();
          if (r.status !== 200) failed++;
          ms.push(performance.now() - s);
        })
        .catch(() => void failed++),
    );
  }
  await Promise.all(inflight);
  return { p50: pct(ms, 50), p95: pct(ms, 95), failed };
}

async function main() {
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fig-apar-bench-'));
  const legacy = await startLegacy({ dir });
  cleanups.push(legacy.stop);
  const bench = await createBenchDb('fig_bench_apar_http');
  cleanups.push(bench.drop);
  const db = createDb(bench.url, { max: 2 });
  cleanups.push(() => db.destroy());
  const tenantId = randomUUID();
  await backfillApar({ db, log: pino({ level: 'silent' }), legacyUrl: legacy.url, tenantId });

  // The same bulk invoices on both sides: customer 1 + g % 25, amount 100 + g % 900, issued over 2025.
  log(`loading ${N} invoices into legacy and fig`);
  execFileSync('/usr/bin/python3', [
    '-c',
    `import sqlite3, datetime, sys
n, first = int(sys.argv[2]), int(sys.argv[3])
c = sqlite3.connect(sys.argv[1])
d0 = datetime.date(2025, 1, 1)
rows = []
for g in range(n):
    i = first + g
    issue = d0 + datetime.timedelta(days=g % 365)
    rows.append((i, 'INV-%06d' % i, 1 + g % 25, issue.isoformat(), (issue + datetime.timedelta(days=30)).isoformat(), str(100 + g % 900), '0', 'open', 'USD', '2025-01-01T00:00:00Z'))
c.executemany('insert into invoices (id, number, customer_id, issue_date, due_date, amount, amount_paid, status, currency, created_at) values (?,?,?,?,?,?,?,?,?,?)', rows)
c.commit()`,
    path.join(dir, 'legacy.sqlite3'),
    String(N),
    String(FIRST),
  ]);
  await sql`insert into apar.documents (tenant_id, kind, id, number, party_kind, party_id, issue_date, due_date, currency, subtotal, tax_total, amount, created_by, created_at)
    select ${tenantId}, 'invoice', ${FIRST} + g, 'INV-' || lpad((${FIRST} + g)::text, 6, '0'), 'customer', 1 + g % 25,
      date '2025-01-01' + g % 365, date '2025-01-01' + g % 365 + 30, 'USD', 100 + g % 900, 0, 100 + g % 900, 'bench', '2025-01-01T00:00:00Z'
    from generate_series(0, ${N - 1}) g`.execute(db);
  await sql`analyze apar.documents`.execute(db);
  await sql`insert into apar.ledger (tenant_id, side, party_id, doc_kind, doc_id, source_kind, source_id, entry_date, amount, currency, base_amount)
    select tenant_id, 'AR', party_id, 'invoice', id, 'invoice', id, issue_date, amount, currency, amount from apar.documents
    where tenant_id = ${tenantId} and id >= ${FIRST}`.execute(db);
  await sql`update apar.counters set value = ${FIRST + N - 1} where tenant_id = ${tenantId} and name = 'invoice'`.execute(
    db,
  );
  // Vacuumed as autovacuum would have done after a bulk load (index-only scans need the visibility map).
  await sql`vacuum analyze`.execute(db);

  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'gateway/main.ts')], {
    cwd: root,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      LEGACY_URL: legacy.url,
      DATABASE_URL: bench.url,
      LEGACY_TENANT: tenantId,
      REDIS_PREFIX: `bench:${randomBytes(4).toString('hex')}:`,
      LOG_LEVEL: 'warn',
      ADMIN_TOKEN: TOKEN,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  const fig = `http://127.0.0.1:${port}`;
  await waitForOk(`${fig}/healthz`, 60_000, child);
  for (const key of APAR_ROUTE_KEYS) {
    const res = await fetch(`${fig}/_fig/routes/${encodeURIComponent(key)}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'new', reason: 'apar http bench', override: true }),
    });
    if (res.status !== 200) throw new Error(`flip ${key}: ${res.status} ${await res.text()}`);
  }
  await new Promise((r) => setTimeout(r, 1_500)); // the flip reaches the process through Redis

  const half = Math.floor(N / 2);
  const requests: Array<[string, string, number?]> = [
    ['invoices, first page', '/api/v1/invoices?limit=50'],
    [`invoices, offset ${half.toLocaleString('en')}`, `/api/v1/invoices?limit=50&offset=${half}`],
    ['invoices, status=open', '/api/v1/invoices?status=open&limit=50'],
    ['invoices, one customer', '/api/v1/invoices?customer_id=7&limit=50'],
    ['customers', '/api/v1/customers'],
    ['payments', '/api/v1/payments?limit=50'],
    ['bills', '/api/v1/bills?limit=50'],
    ['aging as of 2025-12-31 (5 req/s)', '/api/v1/reports/aging?as_of=2025-12-31', 5],
  ];
  const rows: string[] = [];
  for (const [name, url, rate] of requests) {
    const [a, b] = await Promise.all([fetch(legacy.url + url), fetch(fig + url)]);
    const [ja, jb] = [await a.json(), await b.json()];
    const same = JSON.stringify({ ...ja, items: undefined }) === JSON.stringify({ ...jb, items: undefined });
    // Warm-up, discarded, on both sides: a just-started process opens its database connections and
    // (fig) compiles its hot paths on the first requests; the first request series paid that alone.
    await openLoop(legacy.url + url, rate, WARMUP_SECONDS);
    await openLoop(fig + url, rate, WARMUP_SECONDS);
    const l = await openLoop(legacy.url + url, rate);
    const f = await openLoop(fig + url, rate);
    log(`${name}: legacy p95 ${l.p95.toFixed(1)} ms, fig p95 ${f.p95.toFixed(1)} ms`);
    rows.push(
      `| ${name} | ${rate ?? RATE} | ${l.p50.toFixed(1)} | ${l.p95.toFixed(1)} | ${f.p50.toFixed(1)} | ${f.p95.toFixed(1)} | ${l.failed} / ${f.failed} | ${same ? 'yes' : '**no**'} |`,
    );
  }
  const md = [
    '',
    `## Over HTTP: legacy direct vs fig \`new\`, same data, same run (${new Date().toISOString().slice(0, 10)})`,
    '',
    `Legacy's seed plus ${N.toLocaleString('en')} invoices on both sides; each request open-loop for ${SECONDS} s after a ${WARMUP_SECONDS} s warm-up per side (discarded); load average at start ${load}.`,
    '`same` = status, totals and every field but `items` equal on both sides (items are compared by the cutover and legacy-suite tests).',
    '',
    '| request | req/s | legacy p50 ms | legacy p95 ms | fig p50 ms | fig p95 ms | failed (legacy / fig) | same |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
    ...rows,
    '',
  ].join('\n');
  process.stdout.write(md);
  if (process.env.BENCH_NO_WRITE !== '1') appendFileSync(path.join(root, 'bench/results/apar.md'), md);
}

await runBench(main, { children, cleanups }, log);
