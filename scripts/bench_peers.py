#!/usr/bin/env python3
"""make bench-peers: Switchyard beside Unleash Edge, the peer a user would pick instead, in the same
run (issue #22).

Both serve the same 20 flags (each: on for `country` in DE or FR, else a 50/50 split on the user).
Edge runs offline from an equivalent bootstrap file. Switchyard's flags are made through the
dashboard API of a `switchyard serve`, which then stops; its SDK role alone serves them offline
(`switchyard realtime --store embedded --bus in-process`), built as the realtime image builds it
(without the `dashboard` feature). One external
load generator (oha) loads both with the same connections and duration, alternating servers round
by round (A, B, B, A, ...), on three paths:

- bulk: every flag for one context (OFREP bulk `POST /ofrep/v1/evaluate/flags` against Edge's
  frontend API `GET /api/frontend`);
- 304: the same request with the ETag of the last answer (`If-None-Match`);
- one flag (`POST /ofrep/v1/evaluate/flags/{key}` against `GET /api/frontend/features/{name}`).

Servers run on core 0 and oha on core 1 (taskset) when the machine has two or more cores. Each
round reports requests per second, p50/p99 latency and the server's CPU time per request (from
/proc/<pid>/stat, user + system, over the round); the table gives medians over rounds, with the
lowest and highest in brackets, and each ratio as Switchyard over Edge. Memory is each server's
resident set after the rounds.

Environment: BENCH_PEERS_ROUNDS (default 5), BENCH_PEERS_SECONDS per round (5),
BENCH_PEERS_CONNECTIONS (64), SWITCHYARD_BIN (target/release/switchyard, for the seeding `serve`),
SWITCHYARD_REALTIME_BIN (target/release/switchyard-realtime, the SDK role's build).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PEERS = ROOT / "target" / "peers"
EDGE_VERSION = "20.1.0"
OHA_VERSION = "1.16.0"
SWITCHYARD = Path(os.environ.get("SWITCHYARD_BIN", ROOT / "target" / "release" / "switchyard"))
REALTIME = Path(os.environ.get("SWITCHYARD_REALTIME_BIN", ROOT / "target" / "release" / "switchyard-realtime"))

ROUNDS = int(os.environ.get("BENCH_PEERS_ROUNDS", "5"))
SECONDS = int(os.environ.get("BENCH_PEERS_SECONDS", "5"))
CONNECTIONS = int(os.environ.get("BENCH_PEERS_CONNECTIONS", "64"))
FLAGS = [f"flag-{i:02}" for i in range(20)]
CONTEXT = {"targetingKey": "user-7", "country": "NL"}
EDGE_TOKEN = "default:development.switchyardbench"
CLK_TCK = os.sysconf("SC_CLK_TCK")


def install(crate: str, version: str, binary: str) -> Path:
    """The peer's binary, built from the Rust registry once and kept under the build directory."""
    path = PEERS / "bin" / binary
    if not path.exists():
        subprocess.run(
            ["cargo", "install", crate, "--version", version, "--locked", "--root", str(PEERS),
             "--target-dir", str(PEERS / "build")],
            check=True,
        )
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, headers: dict | None = None) -> None:
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=1)
            return
        except Exception:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not answer")


def api(base: str, method: str, path: str, body: dict, token: str | None = None) -> dict:
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), headers=headers, method=method)
    with urllib.request.urlopen(req, timeout=10) as r:
        text = r.read()
        return json.loads(text) if text else {}


def seed_switchyard(base: str) -> str:
    """The 20 flags in one environment; answers a client key."""
    s = api(base, "POST", "/api/v1/auth/signup",
            {"email": "bench@example.com", "password": "bench password here", "name": "Bench", "organization": "Bench"})
    token, org = s["token"], s["organization"]["id"]
    p = api(base, "POST", f"/api/v1/orgs/{org}/projects", {"name": "Bench", "environments": ["production"]}, token)
    project, env = p["project"]["id"], p["environments"][0]["id"]
    targeting = {"if": [{"in": [{"var": "country"}, ["DE", "FR"]]}, "on", {"fractional": [["on", 50], ["off", 50]]}]}
    for key in FLAGS:
        api(base, "POST", f"/api/v1/projects/{project}/flags", {
            "key": key, "type": "boolean",
            "variants": [{"name": "on", "value": True}, {"name": "off", "value": False}]}, token)
        api(base, "PUT", f"/api/v1/projects/{project}/environments/{env}/flags/{key}",
            {"enabled": True, "defaultVariant": "off", "targeting": targeting, "version": 0}, token)
    return api(base, "POST", f"/api/v1/projects/{project}/environments/{env}/keys", {"kind": "client"}, token)["secret"]


def edge_features() -> dict:
    """The same flags for Unleash: on for country DE or FR, else a 50% rollout on the user id."""
    def feature(name: str) -> dict:
        return {
            "name": name, "enabled": True, "project": "default", "type": "release", "variants": [],
            "strategies": [
                {"name": "default", "parameters": {}, "constraints": [
                    {"contextName": "country", "operator": "IN", "values": ["DE", "FR"],
                     "inverted": False, "caseInsensitive": False}]},
                {"name": "flexibleRollout", "constraints": [],
                 "parameters": {"rollout": "50", "stickiness": "userId", "groupId": name}},
            ],
        }
    return {"version": 2, "features": [feature(n) for n in FLAGS]}


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_mib(pid: int, field: str = "VmRSS") -> float:
    """Resident memory from /proc (VmRSS: all of it; RssAnon: the process's own, without the
    pages of its binary and libraries that it maps from the page cache)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pinned(core: int) -> list[str]:
    return ["taskset", "-c", str(core)] if shutil.which("taskset") and (os.cpu_count() or 1) >= 2 else []


def etag_of(req: urllib.request.Request) -> str:
    with urllib.request.urlopen(req, timeout=5) as r:
        r.read()
        return r.headers["etag"]


def load(oha: Path, target: dict, pid: int) -> dict:
    """One round of oha against one server: req/s, p50/p99 (ms), CPU µs per request."""
    cmd = pinned(1) + [str(oha), "-z", f"{SECONDS}s", "-c", str(CONNECTIONS), "--no-tui",
                       "--output-format", "json", "-m", target["method"]]
    for h in target["headers"]:
        cmd += ["-H", h]
    if target.get("body"):
        cmd += ["-d", target["body"]]
    cmd.append(target["url"])
    before = cpu_seconds(pid)
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    used = cpu_seconds(pid) - before
    report = json.loads(out)
    codes = report.get("statusCodeDistribution", {})
    done = sum(codes.values())
    wanted = str(target["status"])
    if codes.get(wanted, 0) < done * 0.99:
        raise SystemExit(f"{target['url']}: expected {wanted}, got {codes}")
    latency = report["latencyPercentiles"]
    return {
        "rps": report["summary"]["requestsPerSec"],
        "p50": latency["p50"] * 1000,
        "p99": latency["p99"] * 1000,
        "cpu_us": used * 1e6 / max(done, 1),
    }


def spread(values: list[float], fmt: str) -> str:
    return f"{statistics.median(values):{fmt}} ({min(values):{fmt}}–{max(values):{fmt}})"


def main() -> int:
    edge_bin = install("unleash-edge", EDGE_VERSION, "unleash-edge")
    oha = install("oha", OHA_VERSION, "oha")
    for binary in (SWITCHYARD, REALTIME):
        if not binary.exists():
            raise SystemExit(f"{binary} is missing: make bench-peers builds it first")
    work = Path(tempfile.mkdtemp(prefix="bench-peers-"))
    procs: list[subprocess.Popen] = []
    try:
        sy_port, edge_port = free_port(), free_port()
        sy_base = f"http://127.0.0.1:{sy_port}"
        seeder = subprocess.Popen(
            [str(SWITCHYARD), "serve", "--addr", f"127.0.0.1:{sy_port}", "--data-dir", str(work / "data"),
             "--flagd-addr", "off"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "RUST_LOG": "warn"})
        procs.append(seeder)
        wait_for(sy_base + "/healthz")
        key = seed_switchyard(sy_base)
        seeder.terminate()
        seeder.wait(timeout=30)
        sy = subprocess.Popen(
            pinned(0) + [str(REALTIME), "realtime", "--store", "embedded", "--bus", "in-process",
                         "--addr", f"127.0.0.1:{sy_port}", "--data-dir", str(work / "data"),
                         "--rate-limit", "100000000", "--flagd-addr", "off"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "RUST_LOG": "warn"})
        procs.append(sy)
        wait_for(sy_base + "/healthz")
        (work / "features.json").write_text(json.dumps(edge_features()))
        edge = subprocess.Popen(
            pinned(0) + [str(edge_bin), "-i", "127.0.0.1", "-p", str(edge_port), "offline",
                         "-b", str(work / "features.json"), "-c", EDGE_TOKEN, "-f", EDGE_TOKEN],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "RUST_LOG": "warn"})
        procs.append(edge)
        edge_base = f"http://127.0.0.1:{edge_port}"
        edge_auth = {"authorization": EDGE_TOKEN}
        wait_for(edge_base + "/api/frontend?userId=user-7", edge_auth)

        ctx = json.dumps({"context": CONTEXT})
        sy_headers = [f"x-api-key: {key}", "content-type: application/json"]
        query = "userId=user-7&properties%5Bcountry%5D=NL"
        sy_bulk = urllib.request.Request(sy_base + "/ofrep/v1/evaluate/flags", data=ctx.encode(),
                                         headers=dict(h.split(": ", 1) for h in sy_headers), method="POST")
        edge_bulk = urllib.request.Request(f"{edge_base}/api/frontend?{query}", headers=edge_auth)
        paths = {
            "bulk, 20 flags": (
                {"method": "POST", "url": sy_bulk.full_url, "headers": sy_headers, "body": ctx, "status": 200},
                {"method": "GET", "url": edge_bulk.full_url, "headers": [f"authorization: {EDGE_TOKEN}"], "status": 200},
            ),
            "304 (If-None-Match)": (
                {"method": "POST", "url": sy_bulk.full_url, "body": ctx, "status": 304,
                 "headers": sy_headers + [f"if-none-match: {etag_of(sy_bulk)}"]},
                {"method": "GET", "url": edge_bulk.full_url, "status": 304,
                 "headers": [f"authorization: {EDGE_TOKEN}", f"if-none-match: {etag_of(edge_bulk)}"]},
            ),
            "one flag": (
                {"method": "POST", "url": f"{sy_base}/ofrep/v1/evaluate/flags/{FLAGS[1]}", "headers": sy_headers,
                 "body": ctx, "status": 200},
                {"method": "GET", "url": f"{edge_base}/api/frontend/features/{FLAGS[1]}?{query}",
                 "headers": [f"authorization: {EDGE_TOKEN}"], "status": 200},
            ),
        }
        print(f"Switchyard vs Unleash Edge {EDGE_VERSION} (offline), oha {OHA_VERSION}: {CONNECTIONS} connections, "
              f"{SECONDS} s rounds, {ROUNDS} rounds per server and path, alternating; servers on core 0, oha on core 1"
              if pinned(0) else "(not pinned: one core or no taskset)")
        rows = []
        for name, (sy_target, edge_target) in paths.items():
            runs: dict[str, list[dict]] = {"sy": [], "edge": []}
            for r in range(ROUNDS):
                order = [("sy", sy_target, sy.pid), ("edge", edge_target, edge.pid)]
                for who, target, pid in order if r % 2 == 0 else reversed(order):
                    runs[who].append(load(oha, target, pid))
            rows.append((name, runs))
        print()
        print("| path | | Switchyard | Edge | ratio (Switchyard / Edge) |")
        print("|---|---|---:|---:|---:|")
        for name, runs in rows:
            for metric, label, fmt in [("rps", "requests/s", ",.0f"), ("p50", "p50 ms", ".2f"),
                                       ("p99", "p99 ms", ".2f"), ("cpu_us", "CPU µs/request", ".1f")]:
                a = [x[metric] for x in runs["sy"]]
                b = [x[metric] for x in runs["edge"]]
                ratios = [x / y for x, y in zip(a, b) if y]
                print(f"| {name} | {label} | {spread(a, fmt)} | {spread(b, fmt)} | {spread(ratios, '.2f')}× |")
        for field, label in [("VmRSS", "RSS MiB after the rounds"), ("RssAnon", "of it anonymous (heap, stacks) MiB"),
                             ("RssFile", "of it mapped from files (code) MiB")]:
            a, b = rss_mib(sy.pid, field), rss_mib(edge.pid, field)
            print(f"| memory | {label} | {a:.1f} | {b:.1f} | {a / max(b, 0.1):.2f}× |")
        return 0
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
