// A client key floods the analytics intake with random flags, variants and event names (the
// issue's reproduction made 80,000 counters from 400 requests): only the environment's known
// (flag, variant) pairs and at most 50 event names an hour are counted, the counters held in
// memory stay bounded, and a neighbour's OFREP latency stays close to its quiet baseline.
import assert from 'node:assert/strict';
import { Admin } from '../lib/api.mjs';
import { generator, holdBar, interleave, rssMb, total } from '../lib/neighbour.mjs';
import { metrics, sleep, switchyard } from '../lib/procs.mjs';

export const title = 'Analytics flood';
export const shortLimit = 150000;
export const fullLimit = 300000;

const FLAGS = 20;
const EVENT_NAMES_PER_HOUR = 50;

async function tenant(base, customEvents) {
  const admin = await Admin.signup(base);
  const { project, env } = await admin.project();
  for (let i = 0; i < FLAGS; i++) {
    await admin.flag(project, `f${i}`);
    await admin.state(project, env, `f${i}`, { defaultVariant: i % 2 ? 'on' : 'off', version: 0 });
  }
  if (customEvents) await admin.must('PATCH', `/api/v1/projects/${project}/environments/${env}`, { customEvents: true });
  return { admin, project, env, key: await admin.key(project, env) };
}

async function dropped(base) {
  const text = await (await fetch(`${base}/metrics`)).text();
  const out = {};
  for (const m of text.matchAll(/^switchyard_analytics_dropped_total\{reason="([a-z_]+)"\} (\d+)$/gm)) out[m[1]] = Number(m[2]);
  return out;
}

export async function run({ full, log }) {
  const pairs = full ? 10 : 2;
  const perWindow = full ? 400 : 220;
  const server = await switchyard('serve', ['--analytics-flush-secs', '1']);
  try {
    const pid = server.child.pid;
    const calm = await tenant(server.base, false);
    const loud = await tenant(server.base, true);
    const before = { rssMb: rssMb(pid), held: (await metrics(server.base)).analytics_counters ?? 0 };
    let peakHeld = 0;
    const r = await interleave({
      base: server.base, key: calm.key, pid, pairs, seconds: 2, lead: 200,
      start: () => generator('events-flood.mjs', [server.base, loud.key, String(perWindow), '8']),
      after: async () => (peakHeld = Math.max(peakHeld, (await metrics(server.base)).analytics_counters ?? 0)),
    });
    const statuses = total(r.outcomes.map((o) => o.counts));
    const items = total(r.outcomes).items;
    await sleep(1500); // a flush after the last batch
    const after = { rssMb: rssMb(pid), held: (await metrics(server.base)).analytics_counters ?? 0 };
    const stored = await loud.admin.must('GET', `/api/v1/projects/${loud.project}/environments/${loud.env}/evaluations?hours=2`);
    const counters = stored.rows.length + new Set(stored.events.map((e) => `${e.name}@${e.hour}`)).size;
    const eventNames = new Set(stored.events.map((e) => e.name)).size;
    const drops = await dropped(server.base);
    const requests = Object.values(statuses).reduce((a, b) => a + b, 0);

    log(`flood: ${requests} requests (${JSON.stringify(statuses)}), ${items.toLocaleString()} items in ${r.attackedSeconds} s; stored ${counters} counters (${eventNames} event names); dropped ${JSON.stringify(drops)}`);
    log(`held counters ${before.held} → peak ${peakHeld} → ${after.held}; RSS ${before.rssMb.toFixed(1)} → ${after.rssMb.toFixed(1)} MB`);
    log(`neighbour p50 ${r.neighbourP50Ms[0]} → ${r.neighbourP50Ms[1]} ms, p99 ${r.neighbourP99Ms[0]} → ${r.neighbourP99Ms[1]} ms (ratio ${r.p99Ratio})`);

    assert.ok(requests >= 400, 'at least 400 flood requests');
    assert.equal(statuses[202], requests, 'every batch is accepted (and mostly dropped)');
    // Known pairs only: 20 flags × their 2 variants (the flood never omits a variant), and the
    // hourly cap on event names (twice, should the run straddle an hour).
    assert.ok(stored.rows.every((r) => /^f\d+$/.test(r.flag) && ['on', 'off'].includes(r.variant)), 'only known pairs are stored');
    assert.ok(eventNames <= 2 * EVENT_NAMES_PER_HOUR, `at most ${EVENT_NAMES_PER_HOUR} event names an hour: ${eventNames}`);
    assert.ok(counters <= 2 * (FLAGS * 2 + EVENT_NAMES_PER_HOUR), `counters stay bounded: ${counters}`);
    assert.ok(peakHeld <= 2 * (FLAGS * 2 + EVENT_NAMES_PER_HOUR) + 100, `held counters stay bounded: ${peakHeld}`);
    assert.ok((drops.unknown_flag ?? 0) > 0 && (drops.unknown_variant ?? 0) > 0 && (drops.event_names ?? 0) > 0, 'drops are counted by reason');
    const figures = {
      requests,
      items,
      floodSeconds: r.attackedSeconds,
      countersStored: counters,
      eventNames,
      dropped: drops,
      heldCounters: [before.held, peakHeld, after.held],
      rssMb: [+before.rssMb.toFixed(1), +after.rssMb.toFixed(1)],
      serverCores: r.serverCores, attackerCores: r.attackerCores, placement: r.placement,
      neighbourP50Ms: r.neighbourP50Ms, neighbourP99Ms: r.neighbourP99Ms, p99Ratio: r.p99Ratio,
    };
    holdBar(full, figures);
    return figures;
  } finally {
    await server.stop();
  }
}
