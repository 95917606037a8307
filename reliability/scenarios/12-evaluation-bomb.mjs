// An evaluation bomb: the bombs are refused when written; a tenant whose rules are as
// heavy as the evaluation budget allows (and one that runs out of it on every request) floods
// OFREP, while a neighbour's latency is measured in alternating quiet and attacked windows.
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { Admin, percentile } from '../lib/api.mjs';
import { generator, holdBar, interleave, tenant, total } from '../lib/neighbour.mjs';
import { ofrepPost } from '../lib/ofrep-post.mjs';
import { metrics, switchyard } from '../lib/procs.mjs';

export const title = 'Evaluation bomb';
export const shortLimit = 150000;
export const fullLimit = 300000;

const items = (n) => Array.from({ length: n }, (_, i) => i);
const onWhen = (rule) => ({ if: [rule, 'on', 'off'] });
/** 33 steps per element of the context's `xs`: over the budget for 3,500 elements (7 KB, under
 * the server's 8 KiB context limit). */
const perElement = { '==': [{ '+': [{ var: '' }, ...items(30).map((i) => i + 1)] }, -1] };
const ATTACK_BODY = JSON.stringify({ context: { targetingKey: 'u', xs: items(3500).map(() => 0) } });

/** The attacker: the bombs (refused), then the heaviest rules the API accepts. */
async function attacker(base, log) {
  const admin = await Admin.signup(base);
  const { project, env } = await admin.project();
  await admin.flag(project, 'probe');
  const refused = {};
  const bombs = {
    nested: { some: [items(250), { some: [items(250), { some: [items(250), false] }] }] },
    doubling: { reduce: [items(31), { cat: [{ var: 'accumulator' }, { var: 'accumulator' }] }, 'x'] },
  };
  for (const [name, rule] of Object.entries(bombs)) {
    const r = await admin.state(project, env, 'probe', { defaultVariant: 'off', targeting: onWhen(rule), version: 0 });
    assert.equal(r.status, 422, `the ${name} bomb is refused: ${r.text}`);
    assert.equal(r.body.error.details[0].path, '/targeting');
    refused[name] = r.body.error.details[0].message.slice(0, 80);
  }
  // The heaviest doubling the dry run lets through, and nested literal iteration just under the
  // budget's worst case (300 × 300 = 96,020 steps of 100,000).
  let k = 24;
  for (; k > 0; k--) {
    const r = await admin.state(project, env, 'probe', {
      defaultVariant: 'off', targeting: onWhen(bombs.doubling.reduce ? { reduce: [items(k), bombs.doubling.reduce[1], 'x'] } : null), version: 0,
    });
    if (r.status === 200) break;
    assert.equal(r.status, 422);
  }
  const edge = { some: [items(300), { some: [items(300), false] }] };
  for (let i = 0; i < 4; i++) {
    await admin.flag(project, `edge${i}`);
    const r = await admin.state(project, env, `edge${i}`, { defaultVariant: 'off', targeting: onWhen(edge), version: 0 });
    assert.equal(r.status, 200, `a rule at the budget's edge is accepted: ${r.text}`);
  }
  const over = { some: [items(320), { some: [items(320), false] }] };
  const r = await admin.state(project, env, 'edge0', { defaultVariant: 'off', targeting: onWhen(over), version: 1 });
  assert.equal(r.status, 422, 'just over the edge is refused');
  // Cheap on the dry run, out of budget for the flood's context on every request.
  await admin.flag(project, 'context-bomb');
  const cb = await admin.state(project, env, 'context-bomb', { defaultVariant: 'off', targeting: onWhen({ some: [{ var: 'xs' }, perElement] }), version: 0 });
  assert.equal(cb.status, 200, cb.text);
  log(`attacker: bombs refused (${Object.keys(refused).join(', ')}); accepted doubling k = ${k}, 4 flags of 300 × 300, a context bomb`);
  return { key: await admin.key(project, env), doublingK: k, refused };
}

export async function run({ full, log }) {
  const pairs = full ? 10 : 3;
  const server = await switchyard('serve');
  try {
    const calm = await tenant(server.base);
    const attack = await attacker(server.base, log);
    // One attacker request alone: what a bulk evaluation at the budget's edge costs.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const single = [];
    for (let i = 0; i < 5; i++) {
      const r = await ofrepPost(server.base, attack.key, agent, ATTACK_BODY);
      assert.equal(r.status, 200);
      single.push(r.ms);
    }
    agent.destroy();
    const r = await interleave({
      base: server.base, key: calm, pid: server.child.pid, pairs, seconds: 2, lead: 300,
      start: () => generator('flood.mjs', [server.base, attack.key, '2.6', process.env.FLOOD_CONCURRENCY || '16', ATTACK_BODY]),
    });
    const raw = total(r.outcomes.map((o) => o.counts));
    const m = await metrics(server.base);
    const figures = {
      attackerBulkMs: +percentile(single, 50).toFixed(1),
      doublingK: attack.doublingK,
      attackerStatuses: raw,
      budgetExceeded: m.evaluation_budget_exceeded,
      deadlineMissed: m.evaluation_deadline_missed,
      serverCores: r.serverCores, attackerCores: r.attackerCores, placement: r.placement,
      neighbourP50Ms: r.neighbourP50Ms, neighbourP99Ms: r.neighbourP99Ms, p99Ratio: r.p99Ratio,
    };
    log(`attacker: one bulk ${figures.attackerBulkMs} ms; flood ${JSON.stringify(raw)}; budget exceeded ${m.evaluation_budget_exceeded}, deadlines missed ${m.evaluation_deadline_missed}`);
    log(`neighbour p50 ${r.neighbourP50Ms[0]} → ${r.neighbourP50Ms[1]} ms, p99 ${r.neighbourP99Ms[0]} → ${r.neighbourP99Ms[1]} ms (×${r.p99Ratio})`);
    assert.ok(m.evaluation_budget_exceeded > 0, 'the context bomb ran out of budget');
    assert.ok((raw[200] || 0) > 0, 'the attacker is served while it stays within its deadline');
    assert.equal(Object.keys(raw).filter((s) => !['200', '429', '503'].includes(s)).length, 0, `no other statuses: ${JSON.stringify(raw)}`);
    holdBar(full, figures);
    return figures;
  } finally {
    await server.stop();
  }
}
