import { describe, expect, it } from 'vitest';
import { npmSnippet, ofrepSnippet, openFeatureSnippet, scriptTagSnippet, serverSnippet } from './snippets';

const input = { baseUrl: 'https://flags.example.com', key: 'sy_client_abc', flag: 'new-checkout' };

describe('SDK snippets', () => {
  it('carry the base URL, the key and the flag', () => {
    for (const f of [scriptTagSnippet, npmSnippet, openFeatureSnippet, ofrepSnippet]) {
      const s = f(input);
      expect(s).toContain('https://flags.example.com');
      expect(s).toContain('sy_client_abc');
      expect(s).toContain('new-checkout');
    }
    expect(scriptTagSnippet(input)).toContain('<script src="https://flags.example.com/sdk/v1/switchyard.js"></script>');
    expect(serverSnippet({ ...input, key: 'sy_server_x' })).toContain('https://flags.example.com/sdk/v1/flagd.json');
  });
});
