// Where an isolation scenario's processes run. Given two cores or more, the server under attack
// and the neighbour's client share the first this process may use; the attacker's load generator
// runs on the others at idle priority (SCHED_IDLE), beside this process (which only waits for
// its children). The attacker then works as a client on a machine of its own would: what it costs
// the server, the server pays on its core, where the neighbour feels it, while its own work
// (building requests, and the kernel's loopback work on what it sends, which runs on the sender's
// core) stays off the neighbour's core. With the neighbour's client on the attacker's core
// instead, that kernel work moved the neighbour's p99 more than the server did (scenario 15's
// control: the same attack aimed at another server, 3.28x). With one core, without taskset and
// chrt (util-linux), or where pinning is refused, nothing is placed and the figures say so.
//
// While placed, the CPUs are also kept from sleeping when idle (a latency request of 0 µs held
// open on /dev/cpu_dma_latency, where this process may write it): a CPU woken from a halt answers
// later than a busy one, which would flatter the attacked windows (the server's CPU is busy) over
// the quiet ones.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';

const tool = (name) => {
  try {
    execFileSync(name, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** The CPUs this process may run on (a container's may not start at 0): "0-1,4" → [0, 1, 4]. */
function allowedCpus() {
  try {
    const list = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1];
    const cpus = list.split(',').flatMap((range) => {
      const [a, b = a] = range.split('-').map(Number);
      return Array.from({ length: b - a + 1 }, (_, i) => a + i);
    });
    return { list, cpus };
  } catch {
    return { list: '', cpus: [] };
  }
}

const allowed = allowedCpus();
export const placed = allowed.cpus.length >= 2 && tool('taskset') && tool('chrt');
const SERVER = String(allowed.cpus[0]);
const CLIENTS = allowed.cpus.slice(1).join(',');
/** Whether the processes are placed just now (between `place()` and what undoes it). */
let active = false;

const pin = (pid, cpus) => execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });

/** Holds the CPUs awake; returns what lets them sleep again (nothing where that is refused). */
function awake() {
  try {
    const fd = openSync('/dev/cpu_dma_latency', 'w');
    writeSync(fd, Buffer.alloc(4)); // an int32 of 0
    return () => closeSync(fd);
  } catch {
    return null;
  }
}

/**
 * Pins the servers to the first CPU and this process to the others; returns what undoes it.
 * Where pinning is refused, nothing is placed and the figures say so.
 */
export function place(...serverPids) {
  if (!placed) return () => {};
  const unpin = () => {
    for (const pid of [...serverPids, process.pid]) {
      try {
        pin(pid, allowed.list);
      } catch {
        // the server has exited
      }
    }
  };
  try {
    for (const pid of serverPids) pin(pid, SERVER);
    pin(process.pid, CLIENTS);
  } catch (e) {
    unpin();
    Object.assign(placement, { server: `unplaced (taskset: ${e.message.split('\n')[0]})`, neighbourClient: 'unplaced', attacker: 'unplaced' });
    return () => {};
  }
  active = true;
  const sleepAgain = awake();
  placement.cpusHeldAwake = sleepAgain !== null;
  return () => {
    active = false;
    sleepAgain?.();
    unpin();
  };
}

/** `spawn` for the neighbour's client: beside the server while placed. */
export function spawnNeighbour(cmd, args, options) {
  if (!active) return spawn(cmd, args, options);
  return spawn('taskset', ['-c', SERVER, cmd, ...args], options);
}

/** `spawn` for an attacker's load generator: on the other cores at idle priority while placed. */
export function spawnAttacker(args, options) {
  if (!active) return spawn(process.execPath, args, options);
  return spawn('taskset', ['-c', CLIENTS, 'chrt', '--idle', '0', process.execPath, ...args], options);
}

/** What the figures record of the placement. */
export const placement = placed
  ? { server: `CPU ${SERVER}`, neighbourClient: `CPU ${SERVER}`, attacker: `CPU ${CLIENTS}, SCHED_IDLE` }
  : { server: 'unplaced', attacker: 'unplaced', neighbourClient: 'unplaced' };
