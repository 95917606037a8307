// OpenFeature's flagd-core evaluating a Switchyard flagd document, as an in-process provider
// would: the document is loaded with strict schema validation, then every case is resolved.
// Input (JSON file named by the first argument): {"document": {...}, "cases": [{"flag", "type",
// "context"}]}. Output: one JSON array, per case {value, variant, reason, errorCode}.
import { readFileSync } from 'node:fs';
import { FlagdCore, MemoryStorage } from '@openfeature/flagd-core';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const storage = new MemoryStorage(quiet);
storage.setConfigurations(JSON.stringify(input.document), true);
const core = new FlagdCore(storage, quiet);
const types = { boolean: 'boolean', string: 'string', integer: 'number', float: 'number', object: 'object' };
const out = input.cases.map(({ flag, type, context }) => {
  const r = core.resolve(types[type], flag, null, context);
  return { value: r.value, variant: r.variant ?? null, reason: r.reason, errorCode: r.errorCode ?? null };
});
process.stdout.write(JSON.stringify(out));
