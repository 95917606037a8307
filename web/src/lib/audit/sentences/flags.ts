/** Sentences about flags, their states in an environment, segments, imports and ramps. */
import { deepEqual } from '../../json';
import { importItems } from '../imports';
import { changedFields, code, count, type Ctx, type Describe, inEnv, list, num, type Part, quote, str } from '../parts';

const FLAG_WORDS: Record<string, string> = {
  name: 'name',
  description: 'description',
  tags: 'tags',
  variants: 'variants',
  type: 'type',
  clientVisible: 'visibility to client keys',
};

function flagUpdate(c: Ctx): Part[] {
  const k = code(c.key);
  if (!c.before || !c.after) return ['changed flag ', k];
  const fields = changedFields(c.before, c.after, Object.keys(FLAG_WORDS));
  if (fields.length === 1 && fields[0] === 'name' && str(c.after, 'name')) return ['renamed flag ', k, ' to ', quote(str(c.after, 'name')!)];
  if (fields.length === 1 && fields[0] === 'clientVisible') {
    return c.after?.clientVisible ? ['made flag ', k, ' visible to client keys'] : ['hid flag ', k, ' from client keys'];
  }
  if (fields.length === 0) return ['saved flag ', k, ' without changes'];
  return [`changed the ${list(fields.map((f) => FLAG_WORDS[f]))} of flag `, k];
}

const STATE_WORDS: [string, string, unknown][] = [
  ['defaultVariant', 'default variant', null],
  ['targeting', 'targeting', null],
  ['prerequisites', 'prerequisites', []],
];

/** The parts of a state that changed, besides on/off: "default variant", "targeting". */
function stateChanges(c: Ctx): string[] {
  return STATE_WORDS.filter(([f, , none]) => !deepEqual(c.before?.[f] ?? none, c.after?.[f] ?? none)).map(([, w]) => w);
}

function stateUpdate(c: Ctx): Part[] | null {
  if (!c.after) return null;
  const k = code(c.key);
  const was = c.before?.enabled === true;
  const is = c.after.enabled === true;
  const others = stateChanges(c);
  const to = str(c.after, 'defaultVariant');
  if (was !== is) {
    const base: Part[] = [is ? 'turned on ' : 'turned off ', k, ...inEnv(c)];
    if (others.length === 1 && others[0] === 'default variant' && to) return [...base, ' with default variant ', code(to)];
    return others.length ? [...base, ` and changed its ${list(others)}`] : base;
  }
  if (others.length === 1 && others[0] === 'default variant' && to) return ['changed the default variant of ', k, ...inEnv(c), ' to ', code(to)];
  if (others.length) return [`changed the ${list(others)} of `, k, ...inEnv(c)];
  return ['saved ', k, ...inEnv(c), ' without changes'];
}

/** ", now on", ", now off". */
const nowOnOff = (c: Ctx): Part[] => (c.after && typeof c.after.enabled === 'boolean' ? [`, now ${c.after.enabled ? 'on' : 'off'}`] : []);

function segmentUpdate(c: Ctx): Part[] {
  const k = code(c.key);
  if (!c.before || !c.after) return ['changed segment ', k];
  const fields = changedFields(c.before, c.after, ['name', 'description', 'rule']);
  if (fields.length === 1 && fields[0] === 'name' && str(c.after, 'name')) return ['renamed segment ', k, ' to ', quote(str(c.after, 'name')!)];
  if (fields.length === 0) return ['saved segment ', k, ' without changes'];
  return [`changed the ${list(fields.map((f) => (f === 'rule' ? 'conditions' : f)))} of segment `, k];
}

function imported(c: Ctx): Part[] {
  const items = importItems(c.e);
  const flags = new Set(items.filter((i) => i.section !== 'segments').map((i) => i.key)).size || (items.length ? 0 : (c.e.keys ?? []).length);
  const segments = items.filter((i) => i.section === 'segments').length;
  const what = [flags ? count(flags, 'flag') : '', segments ? count(segments, 'segment') : ''].filter(Boolean);
  const into = c.env ?? c.key;
  return what.length ? [`imported ${list(what)} into `, into] : ['imported a flagd document into ', into, ', which changed nothing'];
}

/** "25 % get `on` (step 3 of 5)". */
function rampShare(c: Ctx): Part[] {
  const percent = num(c.after, 'percent');
  const variant = str(c.after, 'variant');
  const [step, steps] = [num(c.after, 'step'), num(c.after, 'steps')];
  const out: Part[] = [];
  if (percent !== undefined && variant) out.push(`${percent} % get `, code(variant));
  if (step !== undefined && steps !== undefined) out.push(`${out.length ? ' ' : ''}(step ${step} of ${steps})`);
  return out;
}

const ramp = (verb: string, withShare: boolean, withProblem = false): Describe => (c) => {
  const k = code(str(c.after, 'flag') ?? c.key);
  const share = withShare ? rampShare(c) : [];
  const problem = withProblem ? str(c.after, 'problem') : undefined;
  return [`${verb} the ramp of `, k, ...inEnv(c), ...(share.length ? [': ', ...share] : []), ...(problem ? [`: ${problem}`] : [])];
};

export const FLAG_SENTENCES: Record<string, Describe> = {
  'flag.create': (c) => [`created ${str(c.after, 'type') ? `the ${str(c.after, 'type')} ` : ''}flag `, code(c.key)],
  'flag.update': flagUpdate,
  'flag.archive': (c) => ['archived flag ', code(c.key)],
  'flag.unarchive': (c) => ['brought flag ', code(c.key), ' back from the archive'],
  'flag.delete': (c) => ['deleted flag ', code(c.key)],
  'flag_state.update': stateUpdate,
  'flag_state.copy': (c) => ['copied the state of ', code(c.key), ' from another environment', ...(c.env ? [' into ', c.env] : []), ...nowOnOff(c)],
  'flag_state.restore': (c) => ['restored an earlier version of ', code(c.key), ...inEnv(c), ...nowOnOff(c)],
  'segment.create': (c) => ['created segment ', code(c.key)],
  'segment.update': segmentUpdate,
  'segment.delete': (c) => ['deleted segment ', code(c.key)],
  'environment.import': imported,
  'ramp.start': (c) => ['started ramping ', code(str(c.after, 'flag') ?? c.key), ...inEnv(c), ...(rampShare(c).length ? [': ', ...rampShare(c)] : [])],
  'ramp.advance': ramp('advanced', true),
  'ramp.pause': ramp('paused', false, true),
  'ramp.resume': ramp('resumed', false),
  'ramp.complete': ramp('completed', true),
  'ramp.cancel': ramp('cancelled', false),
};

