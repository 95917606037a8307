#!/usr/bin/env python3
"""Cold start of each Lambda function: the time from process start to the first response.

Runs each host-built release binary (target/release/<name>) against a minimal Lambda Runtime API
served here on a loopback port, hands it one API Gateway v2 event (GET /api/openapi.json, which
every function answers without the store), and reports start-to-response in milliseconds.
"""
import json, os, subprocess, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

EVENT = {
    "version": "2.0", "routeKey": "$default", "rawPath": "/api/openapi.json", "rawQueryString": "",
    "headers": {"host": "api.example.com"}, "isBase64Encoded": False,
    "requestContext": {"accountId": "1", "apiId": "a", "domainName": "api.example.com", "requestId": "r",
                       "http": {"method": "GET", "path": "/api/openapi.json", "protocol": "HTTP/1.1",
                                "sourceIp": "127.0.0.1", "userAgent": "bench"},
                       "stage": "$default", "time": "01/Jan/2026:00:00:00 +0000", "timeEpoch": 0},
}

class Runtime(BaseHTTPRequestHandler):
    served = False
    answered = threading.Event()
    status = None

    def log_message(self, *args):
        pass

    def do_GET(self):
        if Runtime.served:  # no second event: hold the poll until the process is stopped
            time.sleep(30)
            return
        Runtime.served = True
        body = json.dumps(EVENT).encode()
        self.send_response(200)
        self.send_header("Lambda-Runtime-Aws-Request-Id", "bench-1")
        self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 30000))
        self.send_header("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:1:function:bench")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        payload = json.loads(self.rfile.read(length) or b"{}")
        Runtime.status = payload.get("statusCode")
        self.send_response(202)
        self.end_headers()
        Runtime.answered.set()

def measure(binary):
    Runtime.served, Runtime.status = False, None
    Runtime.answered = threading.Event()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Runtime)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = dict(os.environ, AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{server.server_port}",
               AWS_LAMBDA_FUNCTION_NAME="bench", AWS_LAMBDA_FUNCTION_MEMORY_SIZE="128",
               AWS_LAMBDA_FUNCTION_VERSION="1", AWS_REGION="us-east-1",
               SWITCHYARD_TABLE="bench", SWITCHYARD_JWT_SECRET_FILE=sys.argv[1])
    start = time.perf_counter()
    proc = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ok = Runtime.answered.wait(20)
    elapsed = (time.perf_counter() - start) * 1000
    proc.kill(); proc.wait(); server.shutdown()
    return elapsed if ok else None, Runtime.status

if __name__ == "__main__":
    for name in sys.argv[2:]:
        ms, status = measure(f"target/release/{name}")
        print(f"{name:<10} cold start {ms:7.1f} ms (status {status})" if ms else f"{name:<10} no answer")
