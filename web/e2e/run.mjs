#!/usr/bin/env node
// End-to-end tests of the dashboard in real Chromium against a real `switchyard serve`.
//
// Starts the server (SWITCHYARD_BIN, default ../target/release/switchyard) on a free 127.0.0.1
// port with a temporary data directory and web/dist, serves sdk-js/examples on another port,
// receives webhooks on a third, drives Debian's Chromium through playwright-core, saves
// screenshots in e2e/screenshots/, and stops everything at the end. It builds only what is
// missing (web/dist, the SDK bundle, the server binary). Stories: scenario.mjs (the dashboard, and
// every page at 390, 768 and 1280 px), governance.mjs (approvals, change requests, schedules),
// rollouts.mjs (ramps, prerequisites), basics.mjs (settings, renames, keys, flagd import/export,
// password, invitations), live.mjs (two browsers following the change feed, safe clicks),
// history.mjs (the audit log as sentences, its filters, the command palette and shortcuts) and
// keyboard.mjs (the main flows with the keyboard alone). Every screenshot taken with lib/ui.mjs's
// `shot` also checks the page with axe and for sideways scrolling (lib/a11y.mjs, lib/screens.mjs).
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { harness } from './lib/harness.mjs';
import { startReceiver, startStatic, startSwitchyard } from './lib/servers.mjs';
import { basics } from './basics.mjs';
import { governance } from './governance.mjs';
import { live } from './live.mjs';
import { history } from './history.mjs';
import { keyboard } from './keyboard.mjs';
import { rollouts } from './rollouts.mjs';
import { scenario } from './scenario.mjs';
import { sso } from './sso.mjs';

// Each story runs in its own browser profile with its own step runner, so one story's failure
// does not hide another's. E2E_STORIES=governance (comma-separated) runs only those named.
const STORIES = [
  ['dashboard', scenario],
  ['governance', governance],
  ['rollouts', rollouts],
  ['basics', basics],
  ['live', live],
  ['history', history],
  ['keyboard', keyboard],
  ['sso', sso],
].filter(([name]) => !process.env.E2E_STORIES || process.env.E2E_STORIES.split(',').includes(name));

const here = path.dirname(fileURLToPath(import.meta.url));
const webDir = path.resolve(here, '..');
const repo = path.resolve(webDir, '..');
const bin = path.resolve(webDir, process.env.SWITCHYARD_BIN ?? '../target/release/switchyard');
const sdkDir = path.join(repo, 'sdk-js');
const sdkBundle = path.join(sdkDir, 'dist', 'switchyard.min.js');
const examplesDir = path.join(sdkDir, 'examples');
const screenshotsDir = path.join(here, 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TOTAL_TIMEOUT_MS = Number(process.env.E2E_TIMEOUT_MS ?? 8 * 60_000);

function run(cmd, args, cwd) {
  console.log(`$ (cd ${path.relative(repo, cwd) || '.'} && ${cmd} ${args.join(' ')})`);
  execFileSync(cmd, args, { cwd, stdio: 'inherit' });
}

// Only what is missing.
if (!existsSync(path.join(webDir, 'dist', 'index.html'))) run('npm', ['run', 'build'], webDir);
if (!existsSync(sdkBundle) && existsSync(path.join(sdkDir, 'package.json'))) {
  if (!existsSync(path.join(sdkDir, 'node_modules'))) run('npm', ['ci'], sdkDir);
  run('npm', ['run', 'build'], sdkDir);
}
if (!existsSync(bin)) {
  if (process.env.SWITCHYARD_BIN) throw new Error(`SWITCHYARD_BIN=${bin} does not exist`);
  run('nice', ['cargo', 'build', '--release', '-p', 'switchyard-realtime'], repo);
}

rmSync(screenshotsDir, { recursive: true, force: true });
mkdirSync(screenshotsDir, { recursive: true });
const tmp = mkdtempSync(path.join(os.tmpdir(), 'switchyard-e2e-'));
const cleanups = [];
let finished = false;
async function cleanup() {
  while (cleanups.length) await cleanups.pop()().catch(() => {});
  rmSync(tmp, { recursive: true, force: true });
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    await cleanup();
    process.exit(130);
  });
}
const timer = setTimeout(async () => {
  if (finished) return;
  console.log(`✗ the end-to-end run took longer than ${TOTAL_TIMEOUT_MS / 1000} s; stopping`);
  await cleanup();
  process.exit(1);
}, TOTAL_TIMEOUT_MS);

const totals = { passed: 0, failed: 0, skipped: 0 };
const line = () => `${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`;
let code = 1;
try {
  const log = createWriteStream(path.join(tmp, 'switchyard.log'));
  // Webhooks go to a receiver on this machine over plain HTTP: both are refused unless allowed.
  const webhookEnv = { SWITCHYARD_WEBHOOK_ALLOW_HTTP: 'true', SWITCHYARD_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' };
  const server = await startSwitchyard({ bin, dataDir: path.join(tmp, 'data'), webDir: path.join(webDir, 'dist'), sdkBundle, logFile: log, env: webhookEnv });
  cleanups.push(server.stop);
  console.log(`switchyard serve at ${server.url}`);
  const receiver = await startReceiver();
  cleanups.push(receiver.stop);
  const demo = existsSync(examplesDir) ? await startStatic(examplesDir) : null;
  if (demo) cleanups.push(demo.stop);
  /** A browser with a fresh profile of its own (a person of the story), closed at the end. */
  const launch = async (profile) => {
    const context = await chromium.launchPersistentContext(path.join(tmp, `chromium-${profile}`), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      viewport: { width: 1280, height: 860 },
    });
    cleanups.push(() => context.close());
    context.setDefaultTimeout(15_000);
    return context;
  };
  for (const [name, story] of STORIES) {
    console.log(`\n== ${name}`);
    const t = harness({ screenshotsDir });
    const context = await launch(name);
    await story({ t, context, launch, server, demo, receiver, examplesDir, sdkBundle, screenshotsDir });
    await context.close();
    const s = t.summary();
    console.log(`${name}: ${s.line}`);
    for (const k of Object.keys(totals)) totals[k] += s[k];
  }
  console.log(`\nscreenshots: ${screenshotsDir}`);
  console.log(line());
  code = totals.failed || totals.skipped || !STORIES.length ? 1 : 0;
  if (code) console.log(`server log (last lines):\n${server.logs().slice(-3000)}`);
} catch (e) {
  console.log(`✗ end-to-end setup failed: ${e?.stack ?? e}`);
  console.log(line());
} finally {
  finished = true;
  clearTimeout(timer);
  await cleanup();
}
process.exit(code);
