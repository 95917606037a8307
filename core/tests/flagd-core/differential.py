"""PyPI's openfeature-flagd-core resolving every case of core/tests/flagd_differential.rs in one
run. Input and output as differential.mjs: {"suites": [{"document", "cases": [...]}]} in, one JSON
array of {value, variant, reason, errorCode} out, in input order."""

import json
import sys

from openfeature.contrib.tools.flagd.core import FlagdCore
from openfeature.evaluation_context import EvaluationContext
from openfeature.exception import OpenFeatureError


def resolve(core, case):
    ctx = dict(case["context"])
    key = ctx.pop("targetingKey", None)
    context = EvaluationContext(targeting_key=key, attributes=ctx)
    method = getattr(core, f"resolve_{case['type']}_value")
    try:
        r = method(case["flag"], case["default"], context)
    except OpenFeatureError as e:
        return {"value": case["default"], "variant": None, "reason": "ERROR",
                "errorCode": e.error_code.value}
    except Exception:  # an engine crash: what a provider reports as GENERAL
        return {"value": case["default"], "variant": None, "reason": "ERROR",
                "errorCode": "GENERAL"}
    reason = getattr(r.reason, "value", r.reason)
    return {"value": r.value, "variant": r.variant, "reason": reason, "errorCode": None}


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        suites = json.load(f)["suites"]
    out = []
    for suite in suites:
        core = FlagdCore()
        core.set_flags(suite["document"])
        out.extend(resolve(core, case) for case in suite["cases"])
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
