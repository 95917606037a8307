// The official OpenFeature flagd provider (@openfeature/flagd-provider), unmodified, against a
// running `switchyard serve`: MODE=rpc or MODE=in-process, the server key as the selector.
// Driven by realtime/tests/flagd_providers.rs over stdin/stdout: every result is one JSON line;
// the driver answers "change" (it is about to change bool-flag) and "restarted" (the server was
// restarted and bool-flag changed again).
import { OpenFeature, ProviderEvents } from '@openfeature/server-sdk';
import { FlagdProvider } from '@openfeature/flagd-provider';
import readline from 'node:readline';

const { PORT, KEY, BAD_KEY, MODE } = process.env;
const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const say = (step, body) => console.log(JSON.stringify({ step, ...body }));
const wait = (ms) => new Promise((r) => setTimeout(r, ms));

function provider(key) {
  return new FlagdProvider({
    host: '127.0.0.1',
    port: Number(PORT),
    tls: false,
    selector: key,
    resolverType: MODE,
    retryBackoffMaxMs: 500,
    deadlineMs: 2000,
  });
}

const details = (d) => ({
  value: d.value,
  variant: d.variant ?? null,
  reason: d.reason,
  errorCode: d.errorCode ?? null,
  errorMessage: d.errorMessage ?? null,
});

async function pollUntil(client, expected, timeoutMs) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if ((await client.getBooleanValue('bool-flag', !expected)) === expected) return Date.now();
    await wait(5);
  }
  return null;
}

await OpenFeature.setProviderAndWait(provider(KEY));
const client = OpenFeature.getClient();
let changeEvents = 0;
OpenFeature.addHandler(ProviderEvents.ConfigurationChanged, () => { changeEvents += 1; });

say('resolved', {
  bool: details(await client.getBooleanDetails('bool-flag', false)),
  string: details(await client.getStringDetails('string-flag', 'code')),
  int: details(await client.getNumberDetails('int-flag', 0)),
  float: details(await client.getNumberDetails('float-flag', 0)),
  object: details(await client.getObjectDetails('object-flag', {})),
  targeted: details(await client.getStringDetails('targeted-flag', 'code', { plan: 'pro' })),
  split: details(await client.getStringDetails('split-flag', 'code', { targetingKey: 'user-1' })),
  disabled: details(await client.getBooleanDetails('disabled-flag', true)),
  noDefault: details(await client.getBooleanDetails('no-default-flag', true)),
  missing: details(await client.getBooleanDetails('no-such-flag', true)),
  // Not a STATIC flag: the RPC provider caches those by key, whatever type is asked for.
  wrongType: details(await client.getBooleanDetails('targeted-flag', true)),
});

say('await-change', {});
await lines.next();
const t0 = Date.now();
const seen = await pollUntil(client, false, 10_000);
say('changed', { latencyMs: seen === null ? null : seen - t0, changeEvents });

say('await-restart', {});
await lines.next();
const r0 = Date.now();
const back = await pollUntil(client, true, 30_000);
say('recovered', { ms: back === null ? null : back - r0 });

// A wrong key: in-process providers cannot start; RPC providers answer errors.
const bad = provider(BAD_KEY);
let init = 'ready';
try {
  await Promise.race([
    OpenFeature.setProviderAndWait('bad', bad),
    wait(8000).then(() => { throw new Error('timed out'); }),
  ]);
} catch (e) {
  init = `failed: ${e?.message ?? e}`;
}
const badDetails = details(await OpenFeature.getClient('bad').getBooleanDetails('bool-flag', true));
say('wrong-key', { init, details: badDetails });
await OpenFeature.close();
process.exit(0);
