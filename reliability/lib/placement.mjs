// Where an isolation scenario's processes run. On a machine of two cores or more the server under
// attack and the neighbour's client share CPU 0; the attacker's load generator runs on the other
// cores at idle priority (SCHED_IDLE), beside this process (which only waits for its children).
// The attacker then works as a client on a machine of its own would: what it costs the server,
// the server pays on CPU 0, where the neighbour feels it, while its own work (building requests,
// and the kernel's loopback work on what it sends, which runs on the sender's core) stays off the
// neighbour's core. With the neighbour's client on the attacker's core instead, that kernel work
// moved the neighbour's p99 more than the server did (scenario 15's control: the same attack
// aimed at another server, 3.28x). With one core, or without taskset and chrt (util-linux),
// nothing is placed and the figures say so.
//
// While placed, the CPUs are also kept from sleeping when idle (a latency request of 0 µs held
// open on /dev/cpu_dma_latency, where this process may write it): a CPU woken from a halt answers
// later than a busy one, which would flatter the attacked windows (the server's CPU is busy) over
// the quiet ones.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const tool = (name) => {
  try {
    execFileSync(name, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const cores = availableParallelism();
export const placed = cores >= 2 && tool('taskset') && tool('chrt');
const all = `0-${cores - 1}`;
const SERVER = '0';
const CLIENTS = cores > 2 ? `1-${cores - 1}` : '1';

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

/** Pins the servers to CPU 0 and this process to the others; returns what undoes it. */
export function place(...serverPids) {
  if (!placed) return () => {};
  for (const pid of serverPids) pin(pid, SERVER);
  pin(process.pid, CLIENTS);
  const sleepAgain = awake();
  placement.cpusHeldAwake = sleepAgain !== null;
  return () => {
    sleepAgain?.();
    for (const pid of serverPids) {
      try {
        pin(pid, all);
      } catch {
        // the server has exited
      }
    }
    pin(process.pid, all);
  };
}

/** `spawn` for the neighbour's client: beside the server when placed. */
export function spawnNeighbour(cmd, args, options) {
  if (!placed) return spawn(cmd, args, options);
  return spawn('taskset', ['-c', SERVER, cmd, ...args], options);
}

/** `spawn` for an attacker's load generator: on the clients' cores at idle priority when placed. */
export function spawnAttacker(args, options) {
  if (!placed) return spawn(process.execPath, args, options);
  return spawn('taskset', ['-c', CLIENTS, 'chrt', '--idle', '0', process.execPath, ...args], options);
}

/** What the figures record of the placement. */
export const placement = placed
  ? { server: `CPU ${SERVER}`, neighbourClient: `CPU ${SERVER}`, attacker: `CPU ${CLIENTS}, SCHED_IDLE` }
  : { server: 'unplaced', attacker: 'unplaced', neighbourClient: 'unplaced' };
