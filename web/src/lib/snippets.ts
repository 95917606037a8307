/** Ready-to-paste SDK snippets for an environment's key. */

export interface SnippetInput {
  baseUrl: string;
  key: string;
  flag?: string;
}

export function scriptTagSnippet({ baseUrl, key, flag = 'my-flag' }: SnippetInput): string {
  return `<script src="${baseUrl}/sdk/v1/switchyard.js"></script>
<script>
  const flags = Switchyard.init({
    clientKey: '${key}',
    context: { targetingKey: 'user-42' },
  });
  const render = () => console.log('${flag} =', flags.boolean('${flag}', false));
  render();                              // cached values, at once
  flags.on('change:${flag}', render);    // live when an admin changes it
</script>`;
}

export function npmSnippet({ baseUrl, key, flag = 'my-flag' }: SnippetInput): string {
  return `// npm install @switchyard/sdk
import { init } from '@switchyard/sdk';

const flags = init({
  baseUrl: '${baseUrl}',
  clientKey: '${key}',
  context: { targetingKey: user.id },
});
await flags.ready();
flags.boolean('${flag}', false);
flags.on('change:${flag}', (detail) => render(detail.value));`;
}

export function openFeatureSnippet({ baseUrl, key, flag = 'my-flag' }: SnippetInput): string {
  return `// npm install @switchyard/sdk @openfeature/web-sdk
import { OpenFeature, ProviderEvents } from '@openfeature/web-sdk';
import { SwitchyardProvider } from '@switchyard/sdk/openfeature';

await OpenFeature.setProviderAndWait(
  new SwitchyardProvider({ clientKey: '${key}', baseUrl: '${baseUrl}' }),
  { targetingKey: user.id },
);
const client = OpenFeature.getClient();
client.getBooleanValue('${flag}', false);
client.addHandler(ProviderEvents.ConfigurationChanged, ({ flagsChanged }) => rerender(flagsChanged));`;
}

export function ofrepSnippet({ baseUrl, key, flag = 'my-flag' }: SnippetInput): string {
  return `// Any OpenFeature client that speaks OFREP, e.g.
// npm install @openfeature/web-sdk @openfeature/ofrep-web-provider
import { OpenFeature } from '@openfeature/web-sdk';
import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';

await OpenFeature.setProviderAndWait(
  new OFREPWebProvider({ baseUrl: '${baseUrl}', headers: [['Authorization', 'Bearer ${key}']] }),
  { targetingKey: user.id },
);
OpenFeature.getClient().getBooleanValue('${flag}', false);`;
}

export function serverSnippet({ baseUrl, key }: SnippetInput): string {
  return `# The environment as a flagd document, for in-process OpenFeature providers (server key)
curl -H 'Authorization: Bearer ${key}' ${baseUrl}/sdk/v1/flagd.json

# Remote evaluation (OFREP), from any OpenFeature SDK
curl -X POST -H 'X-API-Key: ${key}' -H 'Content-Type: application/json' \\
  -d '{"context":{"targetingKey":"user-123"}}' ${baseUrl}/ofrep/v1/evaluate/flags`;
}
