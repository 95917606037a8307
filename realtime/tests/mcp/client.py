"""An MCP client built on the official Python SDK (PyPI `mcp`, 2.x), for realtime/tests/mcp_clients.rs.

    python client.py http  [--mode legacy|modern] STEP...
    python client.py stdio [--mode legacy|modern] STEP...

http connects to $MCP_URL with `Authorization: Bearer $MCP_TOKEN` (no header when MCP_TOKEN is
unset) through `mcp.client.streamable_http`; stdio starts `$SWITCHYARD_BIN mcp --api-url
$API_URL` with SWITCHYARD_API_TOKEN=$MCP_TOKEN through `mcp.client.stdio`. `--mode legacy` opens
a session with `initialize` (the default); `--mode modern` uses the 2026-07-28 `server/discover`
lifecycle (no session).

Each STEP is `tools` (list the tools) or `call:NAME:JSON-ARGS`. One JSON object goes to stdout:
{"connected": bool, "error": str|null, "statuses": [HTTP statuses seen], "steps": [...]}, where a
tools step is {"tools": [each tool as listed: name, description, inputSchema, annotations…]} and a call step
is {"isError", "structured", "text"}.
"""

import asyncio
import json
import os
import sys

import httpx2
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client


async def run_steps(session, mode, steps, out):
    if mode == "modern":
        await session.discover()
    else:
        await session.initialize()
    out["connected"] = True
    for step in steps:
        if step == "tools":
            listed = await session.list_tools()
            out["steps"].append(
                {"tools": [t.model_dump(by_alias=True, mode="json", exclude_none=True) for t in listed.tools]}
            )
        elif step.startswith("call:"):
            _, name, args = step.split(":", 2)
            r = (await session.call_tool(name, json.loads(args))).model_dump(by_alias=True, mode="json")
            out["steps"].append(
                {
                    "isError": bool(r.get("isError")),
                    "structured": r.get("structuredContent"),
                    "text": "\n".join(c.get("text", "") for c in r.get("content") or []),
                }
            )
        else:
            raise SystemExit(f"unknown step {step}")


async def over_http(mode, steps, out):
    headers = {}
    if os.environ.get("MCP_TOKEN") is not None:
        headers["Authorization"] = f"Bearer {os.environ['MCP_TOKEN']}"

    async def seen(response):
        out["statuses"].append(response.status_code)

    client = httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(30.0), event_hooks={"response": [seen]})
    async with client:
        async with streamable_http_client(os.environ["MCP_URL"], http_client=client) as (read, write):
            async with ClientSession(read, write) as session:
                await run_steps(session, mode, steps, out)


async def over_stdio(mode, steps, out):
    params = StdioServerParameters(
        command=os.environ["SWITCHYARD_BIN"],
        args=["mcp", "--api-url", os.environ["API_URL"]],
        env={"SWITCHYARD_API_TOKEN": os.environ["MCP_TOKEN"], "RUST_LOG": "warn"},
    )
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await run_steps(session, mode, steps, out)


def main():
    args = sys.argv[1:]
    transport = args.pop(0)
    mode = "legacy"
    if args and args[0] == "--mode":
        mode = args[1]
        args = args[2:]
    out = {"connected": False, "error": None, "statuses": [], "steps": []}
    try:
        run = over_http if transport == "http" else over_stdio
        asyncio.run(asyncio.wait_for(run(mode, args, out), timeout=60))
    except BaseException as e:  # the SDK reports a refused connection as an exception (group)
        out["error"] = f"{type(e).__name__}: {e}"
    print(json.dumps(out))


if __name__ == "__main__":
    main()
