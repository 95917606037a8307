"""PyPI's openfeature-provider-flagd in in-process mode, unmodified, against a running
`switchyard serve` (the server key as the selector). Driven by realtime/tests/flagd_providers.rs
over stdin/stdout exactly as check.mjs is: one JSON line per result; the driver answers "change"
and "restarted"."""

import json
import os
import sys
import time

from openfeature import api
from openfeature.contrib.provider.flagd import FlagdProvider
from openfeature.contrib.provider.flagd.config import ResolverType
from openfeature.evaluation_context import EvaluationContext

PORT = int(os.environ["PORT"])


def say(step, **body):
    print(json.dumps({"step": step, **body}), flush=True)


def provider(key):
    return FlagdProvider(
        resolver_type=ResolverType.IN_PROCESS,
        host="127.0.0.1",
        port=PORT,
        tls=False,
        selector=key,
        retry_backoff_max_ms=500,
        deadline_ms=2000,
    )


def details(d):
    return {
        "value": d.value,
        "variant": d.variant,
        "reason": str(d.reason.value if hasattr(d.reason, "value") else d.reason),
        "errorCode": d.error_code.value if d.error_code else None,
        "errorMessage": d.error_message,
    }


def poll_until(client, expected, timeout):
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if client.get_boolean_value("bool-flag", not expected) is expected:
            return time.monotonic()
        time.sleep(0.005)
    return None


api.set_provider(provider(os.environ["KEY"]))
client = api.get_client()
started = time.monotonic()
while str(client.get_provider_status()) != "ProviderStatus.READY" and time.monotonic() - started < 15:
    time.sleep(0.02)
ctx = EvaluationContext
say(
    "resolved",
    bool=details(client.get_boolean_details("bool-flag", False)),
    string=details(client.get_string_details("string-flag", "code")),
    int=details(client.get_integer_details("int-flag", 0)),
    float=details(client.get_float_details("float-flag", 0.0)),
    object=details(client.get_object_details("object-flag", {})),
    targeted=details(
        client.get_string_details("targeted-flag", "code", ctx(attributes={"plan": "pro"}))
    ),
    split=details(client.get_string_details("split-flag", "code", ctx(targeting_key="user-1"))),
    disabled=details(client.get_boolean_details("disabled-flag", True)),
    noDefault=details(client.get_boolean_details("no-default-flag", True)),
    missing=details(client.get_boolean_details("no-such-flag", True)),
    wrongType=details(client.get_boolean_details("targeted-flag", True)),
)

say("await-change")
sys.stdin.readline()
t0 = time.monotonic()
seen = poll_until(client, False, 10)
say("changed", latencyMs=None if seen is None else round((seen - t0) * 1000))

say("await-restart")
sys.stdin.readline()
r0 = time.monotonic()
back = poll_until(client, True, 30)
say("recovered", ms=None if back is None else round((back - r0) * 1000))

# A wrong key: the provider never becomes ready, so every evaluation is the code default.
api.set_provider(provider(os.environ["BAD_KEY"]), "bad")
time.sleep(3)
bad = api.get_client("bad")
status = str(bad.get_provider_status())
say("wrong-key", init=status, details=details(bad.get_boolean_details("bool-flag", True)))
api.shutdown()
os._exit(0)
