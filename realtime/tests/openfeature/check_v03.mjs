// OFREP 0.3.0 with the official OpenFeature clients: the code-default result (ADR-0006) and the
// web provider's SSE change detection (eventStreams' endpoint.requestUri, refetchEvaluation
// notices, refetches with flagConfigEtag). Run with `node --experimental-eventsource` (Node 20
// has EventSource only behind that flag).
// Environment: BASE (server URL), KEY (client key), ADMIN_TOKEN, PROJECT, ENV.
// Flags: `beta` (on for plan=pro, else off; version 1), `quiet` (no default variant: on for
// plan=pro, nothing otherwise). Prints one JSON object with what each client resolved.
import { OpenFeature as ServerOpenFeature } from '@openfeature/server-sdk';
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { OpenFeature as WebOpenFeature, ProviderEvents } from '@openfeature/web-sdk';
import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';

const { BASE, KEY, ADMIN_TOKEN, PROJECT, ENV } = process.env;
const headers = [['X-API-Key', KEY]];
const out = { base: BASE, eventSource: typeof EventSource };
const pick = (d) => ({ value: d.value, variant: d.variant ?? null, reason: d.reason, errorCode: d.errorCode ?? null });

await ServerOpenFeature.setProviderAndWait(new OFREPProvider({ baseUrl: BASE, headers }));
const server = ServerOpenFeature.getClient();
out.serverCodeDefault = pick(await server.getBooleanDetails('quiet', true, { targetingKey: 'u1', plan: 'free' }));

// SSE only: no polling, so a change can reach the provider only through the event stream.
await WebOpenFeature.setContext({ targetingKey: 'u1', plan: 'free' });
const provider = new OFREPWebProvider({
  baseUrl: BASE, headers, changeDetection: 'sse', pollInterval: 0, cacheMode: 'disabled',
});
await WebOpenFeature.setProviderAndWait(provider);
const web = WebOpenFeature.getClient();
out.webCodeDefaultTrue = pick(web.getBooleanDetails('quiet', true));
out.webCodeDefaultFalse = pick(web.getBooleanDetails('quiet', false));
out.webBefore = pick(web.getBooleanDetails('beta', true));
// The stream the provider opened (its SseManager is not public API; read for the test only).
out.sseUrls = [...(provider._sseManager?.connectedUrls ?? [])].map((u) => u.replace(KEY, 'KEY'));
const opened = Date.now();
while (!provider._sseManager?._connections?.some((c) => c.readyState === 1) && Date.now() - opened < 5000) {
  await new Promise((resolve) => setTimeout(resolve, 20));
}
const changed = new Promise((resolve) => web.addHandler(ProviderEvents.ConfigurationChanged, resolve));
const put = await fetch(`${BASE}/api/v1/projects/${PROJECT}/environments/${ENV}/flags/beta`, {
  method: 'PUT',
  headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
  body: JSON.stringify({ enabled: true, defaultVariant: 'on', targeting: null, version: 1 }),
});
out.flip = put.status;
const started = Date.now();
out.changeEvent = await Promise.race([
  changed.then(() => true),
  new Promise((resolve) => setTimeout(() => resolve(false), 10000)),
]);
out.changeMs = Date.now() - started;
out.webAfter = pick(web.getBooleanDetails('beta', false));
console.log(JSON.stringify(out));
await WebOpenFeature.close();
await ServerOpenFeature.close();
process.exit(0);
