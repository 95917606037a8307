// The official OpenFeature clients against a running Switchyard, over OFREP.
// Environment: BASE (server URL), KEY (client key), ADMIN_TOKEN, PROJECT, ENV (to change a flag).
// Prints one JSON object with what each client resolved.
import { OpenFeature as ServerOpenFeature } from '@openfeature/server-sdk';
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { OpenFeature as WebOpenFeature, ProviderEvents } from '@openfeature/web-sdk';
import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';

const { BASE, KEY, ADMIN_TOKEN, PROJECT, ENV } = process.env;
const headers = [['X-API-Key', KEY]];
const out = {};
const pick = (d) => ({ value: d.value, variant: d.variant, reason: d.reason, errorCode: d.errorCode });

await ServerOpenFeature.setProviderAndWait(new OFREPProvider({ baseUrl: BASE, headers }));
const server = ServerOpenFeature.getClient();
out.server = pick(await server.getBooleanDetails('beta', false, { targetingKey: 'u1', plan: 'pro' }));
out.serverOther = pick(await server.getBooleanDetails('beta', true, { targetingKey: 'u2', plan: 'free' }));
out.serverMissing = pick(await server.getBooleanDetails('nope', true, { targetingKey: 'u1' }));
out.serverWrongType = pick(await server.getStringDetails('beta', 'x', { targetingKey: 'u1' }));

// Node has no EventSource, so the web provider polls the bulk endpoint (ETag / 304).
await WebOpenFeature.setContext({ targetingKey: 'u1', plan: 'pro' });
await WebOpenFeature.setProviderAndWait(new OFREPWebProvider({
  baseUrl: BASE, headers, pollInterval: 300, changeDetection: 'polling', cacheMode: 'disabled',
}));
const web = WebOpenFeature.getClient();
out.webBefore = pick(web.getBooleanDetails('beta', false));
const changed = new Promise((resolve) => web.addHandler(ProviderEvents.ConfigurationChanged, resolve));
const put = await fetch(`${BASE}/api/v1/projects/${PROJECT}/environments/${ENV}/flags/beta`, {
  method: 'PUT',
  headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
  body: JSON.stringify({ enabled: true, defaultVariant: 'off', targeting: null, version: 1 }),
});
out.flip = put.status;
out.changeEvent = await Promise.race([
  changed.then(() => true),
  new Promise((resolve) => setTimeout(() => resolve(false), 10000)),
]);
out.webAfter = pick(web.getBooleanDetails('beta', true));
console.log(JSON.stringify(out));
await WebOpenFeature.close();
await ServerOpenFeature.close();
process.exit(0);
