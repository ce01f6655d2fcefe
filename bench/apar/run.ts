/**
 * AP/AR bench: aging as of a date over APAR_BENCH_INVOICES invoices (default 100,000; a third of them
 * partly paid through ledger entries), and the invoice list (first page, a deep page, a status
 * filter), called through the apar service on a real migrated Postgres (no HTTP). Writes
 * bench/results/apar.md. Usage: node --import tsx bench/apar/run.ts
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { sql } from 'kysely';
import pino from 'pino';
import { createDb } from '../../modules/core/db';
import { createAparService } from '../../modules/apar/index';
import { createBenchDb } from '../lib/setup';

const N = Number(process.env.APAR_BENCH_INVOICES ?? 100_000);
const RUNS = Number(process.env.APAR_BENCH_RUNS ?? 30);

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

async function main() {
  const { url, drop } = await createBenchDb('fig_bench_apar');
  const db = createDb(url, { max: 4 });
  try {
    const t = randomUUID();
    const started = Date.now();
    await sql`insert into apar.parties (tenant_id, kind, id, name) select ${t}, 'customer', g, 'Customer ' || g from generate_series(1, 500) g`.execute(
      db,
    );
    await sql`insert into apar.documents (tenant_id, kind, id, number, party_kind, party_id, issue_date, due_date, currency, exchange_rate, subtotal, tax_total, amount, created_by)
      select ${t}, 'invoice', g, 'INV-' || lpad(g::text, 6, '0'), 'customer', 1 + g % 500, date '2025-01-01' + (g % 365), date '2025-01-01' + (g % 365) + 30,
        case when g % 10 = 0 then 'EUR' else 'USD' end, case when g % 10 = 0 then 1.1 else 1 end, 100 + g % 900, 0, 100 + g % 900, 'bench'
      from generate_series(1, ${N}) g`.execute(db);
    // Statistics before the ledger load: the ledger's rollup trigger joins the documents.
    await sql`analyze apar.documents`.execute(db);
    await sql`insert into apar.ledger (tenant_id, side, party_id, doc_kind, doc_id, source_kind, source_id, entry_date, amount, currency, base_amount)
      select ${t}, 'AR', party_id, 'invoice', id, 'invoice', id, issue_date, amount, currency, amount * exchange_rate from apar.documents where tenant_id = ${t}`.execute(
      db,
    );
    await sql`insert into apar.ledger (tenant_id, side, party_id, doc_kind, doc_id, source_kind, source_id, entry_date, amount, currency, base_amount)
      select ${t}, 'AR', party_id, 'invoice', id, 'received', id, due_date - 5, -(amount / 2), currency, -(amount / 2) * exchange_rate from apar.documents where tenant_id = ${t} and id % 3 = 0`.execute(
      db,
    );
    await sql`insert into apar.counters (tenant_id, name, value) values (${t}, 'invoice', ${N})`.execute(db);
    // Vacuumed as autovacuum would have done after a bulk load (index-only scans need the visibility map).
    await sql`vacuum analyze`.execute(db);
    const loadS = (Date.now() - started) / 1000;

    const service = createAparService({ db, log: pino({ level: 'silent' }) });
    const caller = { tenantId: t, actor: 'bench' };
    const measure = async (fn: () => Promise<unknown>) => {
      await fn();
      const ms: number[] = [];
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < RUNS; i++) {
        const s = performance.now();
        await fn();
        ms.push(performance.now() - s);
      }
      const cpu = process.cpuUsage(cpu0);
      return { p50: pct(ms, 50), p95: pct(ms, 95), cpuMs: (cpu.user + cpu.system) / 1000 / RUNS };
    };
    const rows: Array<[string, Awaited<ReturnType<typeof measure>>]> = [
      [
        'aging as of 2025-07-01 (AR, tenant buckets, base totals)',
        await measure(() => service.aging(caller, { asOf: '2025-07-01', side: 'AR' })),
      ],
      [
        'aging as of 2026-03-01',
        await measure(() => service.aging(caller, { asOf: '2026-03-01', side: 'AR' })),
      ],
      [
        'invoice list, first page (50)',
        await measure(() => service.listDocuments(caller, 'invoice', {}, 0, 50)),
      ],
      [
        'invoice list, offset 50,000',
        await measure(() => service.listDocuments(caller, 'invoice', {}, Math.floor(N / 2), 50)),
      ],
      [
        'invoice list, status=partial (50)',
        await measure(() => service.listDocuments(caller, 'invoice', { status: 'partial' }, 0, 50)),
      ],
      [
        'invoice list, one customer (50)',
        await measure(() => service.listDocuments(caller, 'invoice', { partyId: 7 }, 0, 50)),
      ],
    ];
    const table = [
      `# AP/AR bench (${new Date().toISOString().slice(0, 10)})`,
      '',
      `${N.toLocaleString('en')} invoices (500 customers, 10% EUR, a third half paid: ${Math.round(N * 1.33).toLocaleString('en')} ledger entries; loaded in ${loadS.toFixed(1)} s),`,
      `${RUNS} runs each after one warm-up, service calls on a real Postgres (no HTTP), ${os.cpus().length} CPUs shared with other work (load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}).`,
      '',
      '| operation | p50 ms | p95 ms | gateway CPU ms/call |',
      '|---|---:|---:|---:|',
      ...rows.map(
        ([name, r]) => `| ${name} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.cpuMs.toFixed(2)} |`,
      ),
      '',
    ].join('\n');
    console.log(table);
    await writeFile(new URL('../results/apar.md', import.meta.url), table);
  } finally {
    await db.destroy();
    await drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
