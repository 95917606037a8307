/** Copy-ready SDK snippets for a key: script tag, npm, OpenFeature (OFREP), server. */
import { Button, Code, CopyButton, Stack, Tabs } from '@mantine/core';
import type { KeyKind } from '../api/types';
import { sdkBaseUrl } from '../config';
import { npmSnippet, ofrepSnippet, openFeatureSnippet, scriptTagSnippet, serverSnippet } from '../lib/snippets';

export function SnippetTabs({ kind, secret, flag }: { kind: KeyKind; secret: string | null; flag?: string }) {
  const input = { baseUrl: sdkBaseUrl(), key: secret ?? (kind === 'client' ? '<your client key>' : '<your server key>'), flag };
  const tabs =
    kind === 'client'
      ? [
          { value: 'script', label: 'Script tag', code: scriptTagSnippet(input) },
          { value: 'npm', label: 'npm', code: npmSnippet(input) },
          { value: 'openfeature', label: 'OpenFeature', code: openFeatureSnippet(input) },
          { value: 'ofrep', label: 'OFREP', code: ofrepSnippet(input) },
        ]
      : [{ value: 'server', label: 'Server / OpenFeature', code: serverSnippet(input) }];
  return (
    <Tabs defaultValue={tabs[0].value}>
      <Tabs.List>
        {tabs.map((t) => (
          <Tabs.Tab key={t.value} value={t.value}>
            {t.label}
          </Tabs.Tab>
        ))}
      </Tabs.List>
      {tabs.map((t) => (
        <Tabs.Panel key={t.value} value={t.value} pt="xs">
          <Stack gap={4}>
            <Code block data-testid={`snippet-${t.value}`} tabIndex={0}>
              {t.code}
            </Code>
            <CopyButton value={t.code}>
              {({ copied, copy }) => (
                <Button size="xs" variant="light" w="fit-content" onClick={copy}>
                  {copied ? 'Copied' : 'Copy snippet'}
                </Button>
              )}
            </CopyButton>
          </Stack>
        </Tabs.Panel>
      ))}
    </Tabs>
  );
}
