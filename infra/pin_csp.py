#!/usr/bin/env python3
"""Pins the dashboard's connect-src to exact origins: writes POLICY into INDEX as a
<meta http-equiv="Content-Security-Policy"> first in <head>, before any script, replacing an
earlier pin.

    infra/pin_csp.py web/dist/index.html "connect-src 'self' https://api.example.com ..."

A browser enforces every policy a page has: the header's (CloudFront, static.tf), which can name
the API and the change feed only by their domains' wildcards, and this one, which names their exact
origins (Terraform's output dashboard_pinned_csp, known after apply). So a script injected into the
dashboard cannot send data to another API Gateway or Lambda function URL host.
"""

import re
import sys

MARK = "data-pinned-by=\"switchyard-deploy\""
PIN = re.compile(r"\s*<meta [^>]*" + re.escape(MARK) + r"[^>]*>")
SOURCE = re.compile(r"^('self'|https://[a-z0-9.-]+(:[0-9]+)?|wss://[a-z0-9.-]+(:[0-9]+)?)$")


def check(policy: str) -> None:
    """Only connect-src with 'self' and exact https/wss origins: no wildcard, no path, no quote."""
    parts = policy.split()
    if not parts or parts[0] != "connect-src":
        raise ValueError(f"expected a connect-src policy, got {policy!r}")
    for source in parts[1:]:
        if not SOURCE.match(source):
            raise ValueError(f"{source!r} is not 'self' or an exact https/wss origin")


def pin(html: str, policy: str) -> str:
    check(policy)
    html = PIN.sub("", html)
    head = re.search(r"<head[^>]*>", html)
    if head is None:
        raise ValueError("index.html has no <head>")
    meta = f'\n    <meta http-equiv="Content-Security-Policy" content="{policy}" {MARK}>'
    return html[: head.end()] + meta + html[head.end() :]


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    path, policy = argv[1], argv[2]
    try:
        with open(path, encoding="utf-8") as f:
            html = pin(f.read(), policy)
    except (OSError, ValueError) as e:
        print(f"pin_csp: {e}", file=sys.stderr)
        return 1
    with open(path, "w", encoding="utf-8") as f:
        f.write(html)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
