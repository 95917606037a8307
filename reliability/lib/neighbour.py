"""The neighbour's client: a steady 100 OFREP bulk evaluations a second, one at a time on one
keep-alive connection, for SECONDS; prints their latencies (ms) as a JSON list.

    python3 neighbour.py '{"port": P, "key": K, "seconds": S, "headers": {...}}'

It is Python's standard library rather than Node so that the figures are the server's: Node's own
pauses (its garbage collector, its event loop) added 1-4 ms to a few requests in every window, as
large as what the attacks are measured by, while this client's quiet p99 on the same server was
0.6 ms. Exits 1 on any answer but 200 (the neighbour is always served)."""

import http.client
import json
import sys
import time

BODY = b'{"context":{"targetingKey":"u"}}'


def main():
    a = json.loads(sys.argv[1])
    headers = {"Content-Type": "application/json", "X-API-Key": a["key"], **a.get("headers", {})}
    conn = http.client.HTTPConnection("127.0.0.1", a["port"], timeout=30)
    # The connection is opened before measuring: one request that is not counted.
    conn.request("POST", "/ofrep/v1/evaluate/flags", body=BODY, headers=headers)
    conn.getresponse().read()
    out = []
    end = time.perf_counter() + a["seconds"]
    while time.perf_counter() < end:
        due = time.perf_counter() + 0.01
        t0 = time.perf_counter()
        conn.request("POST", "/ofrep/v1/evaluate/flags", body=BODY, headers=headers)
        r = conn.getresponse()
        r.read()
        out.append((time.perf_counter() - t0) * 1000)
        if r.status != 200:
            print(f"the neighbour got {r.status}", file=sys.stderr)
            sys.exit(1)
        wait = due - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
    conn.close()
    print(json.dumps([round(ms, 3) for ms in out]))


main()
