// OpenFeature's flagd-core (npm) resolving every case of core/tests/flagd_differential.rs in one
// run. Input (JSON file named by the first argument): {"suites": [{"document", "cases": [{"flag",
// "type", "default", "context"}]}]}. Output: one JSON array, per case {value, variant, reason,
// errorCode}, in input order. Documents load without schema validation, as providers load them.
import { readFileSync } from 'node:fs';
import { FlagdCore, MemoryStorage } from '@openfeature/flagd-core';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const types = { boolean: 'boolean', string: 'string', integer: 'number', float: 'number', object: 'object' };
const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const out = [];
for (const suite of input.suites) {
  const storage = new MemoryStorage(quiet);
  storage.setConfigurations(JSON.stringify(suite.document), false);
  const core = new FlagdCore(storage, quiet);
  for (const { flag, type, default: fallback, context } of suite.cases) {
    let r;
    try {
      r = core.resolve(types[type], flag, fallback, context);
    } catch (e) {
      r = { value: fallback, reason: 'ERROR', errorCode: e.code ?? 'GENERAL' };
    }
    out.push({ value: r.value ?? null, variant: r.variant ?? null, reason: r.reason, errorCode: r.errorCode ?? null });
  }
}
process.stdout.write(JSON.stringify(out));
