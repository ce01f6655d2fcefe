import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { request } from 'undici';
import { sql } from 'kysely';
import { createDb } from '../../../modules/core/db';
import { ADMIN_TOKEN, freePort, metricValue, sleep, spawnGateway, startGateway, type ScenarioEnv } from '../lib/gateway';
import { verdict, type ScenarioResult } from '../lib/result';

const SHADOWED = 'GET /api/v1/sessions';

/**
 * Gateway crash with samples in the shadow queue: a gateway with the sessions family in shadow
 * (one shadow worker, so samples queue up) takes `requests` requests and is SIGKILLed right after
 * the last answer. A second gateway on the same Redis and Postgres finds the dead process's
 * in-flight ledger and records what it never wrote as `lost_in_crash` (fig_shadow_samples_lost_total).
 * Verdict: every shadowed request ends as exactly one sample row (written or counted lost); the
 * mismatch corpus holds no entry without its mismatch sample.
 *
 * Deterministic: a shadowed answer is sent only after its ledger entry is in Redis (ShadowPort.reserve),
 * so whenever the kill lands, every answer the client holds is in shadow.samples or in the ledger.
 * `expireAlive` deletes the dead process's `alive` key instead of waiting out its 15 s TTL (the test).
 */
export async function shadowCrash(env: ScenarioEnv, o: { requests: number; recoverCapMs?: number; expireAlive?: boolean }): Promise<ScenarioResult> {
  const prefix = `rel:${randomBytes(6).toString('hex')}:`;
  const shared = { REDIS_PREFIX: prefix, SHADOW_CONCURRENCY: '1', LOAD_SHED_MAX_EVENT_LOOP_UTILIZATION: '0' };
  const db = createDb(env.databaseUrl, { max: 1 });
  // Only this scenario's requests count (other scenarios may shadow the same route in the same database).
  const since = (await sql<{ now: Date }>`select now() as now`.execute(db)).rows[0]!.now;
  const count = async () => {
    const r = await sql<{ total: string; lost: string; orphans: string }>`
      select (select count(*) from shadow.samples where route_key = ${SHADOWED} and at >= ${since}) as total,
             (select count(*) from shadow.samples where route_key = ${SHADOWED} and at >= ${since} and skip_reason = 'lost_in_crash') as lost,
             (select count(*) from shadow.mismatches m where m.route_key = ${SHADOWED} and m.at >= ${since}
                and not exists (select 1 from shadow.samples s where s.route_key = m.route_key and s.outcome = 'mismatch'
                                and s.request_id = m.request->>'requestId')) as orphans`.execute(db);
    const row = r.rows[0]!;
    return { total: Number(row.total), lost: Number(row.lost), orphans: Number(row.orphans) };
  };
  let b: Awaited<ReturnType<typeof startGateway>> | undefined;
  try {
    const a = await spawnGateway(env, await freePort(), shared);
    let answered = 0;
    let writtenAtKill = 0;
    try {
      const flip = await request(`${a.url}/_fig/routes/${encodeURIComponent(SHADOWED)}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
        body: JSON.stringify({ mode: 'shadow', reason: 'reliability: shadow crash' }),
      });
      await flip.body.text();
      const answers = await Promise.all(
        Array.from({ length: o.requests }, async () => {
          const res = await request(`${a.url}/api/v1/sessions`);
          await res.body.text();
          return res.statusCode;
        }),
      );
      answered = answers.filter((s) => s === 200).length;
    } finally {
      await a.stop('SIGKILL');
    }
    writtenAtKill = (await count()).total;
    if (o.expireAlive) {
      const redis = new Redis(env.redisUrl, { lazyConnect: false });
      try {
        const keys = await redis.keys(`${prefix}shadow:alive:*`);
        if (keys.length) await redis.del(...keys);
      } finally {
        redis.disconnect();
      }
    }
    // The recovering process runs in this one (a second process start costs tens of seconds on a loaded machine).
    b = await startGateway(env, shared);
    const deadline = Date.now() + (o.recoverCapMs ?? 90_000);
    let now = await count();
    while (now.total < answered && Date.now() < deadline) {
      await sleep(500);
      now = await count();
    }
    const lostMetric = await metricValue(b.app, 'fig_shadow_samples_lost_total');
    return verdict(
      'gateway-crash-shadow-queue',
      [
        ['every shadowed request answered 200 before the crash', answered === o.requests],
        ['every shadowed request ends as exactly one sample row (written, or counted lost_in_crash)', now.total === answered],
        ['the lost count is in fig_shadow_samples_lost_total of the recovering process', lostMetric === now.lost],
        ['no corpus entry without its mismatch sample (never half-written)', now.orphans === 0],
      ],
      { requests: o.requests, 'sample rows at the kill': writtenAtKill, 'sample rows after recovery': now.total, 'counted lost_in_crash': now.lost, 'lost metric': lostMetric },
    );
  } finally {
    await b?.close();
    await db.destroy();
  }
}
