// @vitest-environment node
/**
 * `schema.d.ts` is generated from `web/openapi.json` (the document the Rust side keeps equal to
 * what the server serves). Neither is edited by hand: after the document changes, run
 * `npm run gen:types` and commit both.
 */
import { readFileSync } from 'node:fs';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
import { describe, expect, it } from 'vitest';

const documentUrl = new URL('../../openapi.json', import.meta.url);
const generatedUrl = new URL('./schema.d.ts', import.meta.url);

describe('the API types', () => {
  it('come from an OpenAPI 3.1 document', () => {
    const doc = JSON.parse(readFileSync(documentUrl, 'utf8')) as { openapi?: string; paths?: object; components?: { schemas?: object } };
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(doc.paths ?? {})).toContain('/api/v1/orgs/{org}/audit');
    expect(Object.keys(doc.components?.schemas ?? {}).length).toBeGreaterThan(0);
  });

  it('are exactly what openapi-typescript makes from web/openapi.json now (else: npm run gen:types)', async () => {
    // The same call and header as the `openapi-typescript` command that `npm run gen:types` runs.
    const expected = COMMENT_HEADER + astToString(await openapiTS(documentUrl, { silent: true }));
    const actual = readFileSync(generatedUrl, 'utf8');
    expect(actual, 'src/api/schema.d.ts differs from what web/openapi.json generates: run `npm run gen:types`').toBe(expected);
  }, 30_000);
});
