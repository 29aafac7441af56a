"""The official MCP Python SDK (mcp==2.3.0) against RESTume's /mcp:
initialize, list tools and resources, call tools, check a tool error.

usage: sdk_client.py MCP_URL API_KEY
"""

import asyncio
import json
import sys

import httpx2
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

URL, KEY = sys.argv[1], sys.argv[2]
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


async def main():
    async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {KEY}"}) as http:
        async with streamable_http_client(URL, http_client=http) as streams:
            read, write = streams[0], streams[1]
            async with ClientSession(read, write) as s:
                init = await s.initialize()
                check(init.server_info.name == "restume", "initialize: serverInfo")
                check(init.capabilities.tools is not None, "initialize: tools capability")
                await s.send_ping()
                check(True, "ping")
                tools = (await s.list_tools()).tools
                names = sorted(t.name for t in tools)
                check(len(tools) == 15, f"tools/list: 15 tools ({len(tools)})")
                check(all(t.output_schema for t in tools), "every tool has an outputSchema")
                check(all(t.annotations and t.annotations.read_only_hint is not None for t in tools),
                      "every tool has annotations")
                r = await s.call_tool("search_candidates", {"skills": ["rust"]})
                got = [c["username"] for c in r.structured_content["candidates"]]
                check(not r.is_error and got == ["ada"], f"search_candidates rust: {got}")
                check(json.loads(r.content[0].text) == r.structured_content,
                      "text content is the structured JSON")
                job = "Required: Rust, PostgreSQL, 5+ years. Kubernetes is a plus."
                r = await s.call_tool("rank_candidates", {"job_description": job})
                ranking = r.structured_content["ranking"]
                check(ranking[0]["username"] == "ada", f"rank_candidates: ada first ({ranking[0]})")
                r2 = await s.call_tool("rank_candidates", {"job_description": job})
                check(r2.structured_content == r.structured_content, "rank_candidates is deterministic")
                r = await s.call_tool("get_candidate", {"username": "eve"})
                check(r.is_error and "SECRET" not in r.content[0].text,
                      "a private profile is a tool error")
                r = await s.call_tool("compare_candidates", {"usernames": ["ada", "bob"]})
                check(not r.is_error, "compare_candidates")
                r = await s.call_tool("create_shortlist", {"name": "Backend", "usernames": ["ada"]})
                check(not r.is_error and r.structured_content["candidates"][0]["username"] == "ada",
                      "create_shortlist")
                res = (await s.list_resources()).resources
                check(any(str(x.uri) == "restume://profiles/ada" for x in res), "resources/list")
                tpl = (await s.list_resource_templates()).resource_templates
                check(len(tpl) == 2, "resources/templates/list")
                body = await s.read_resource("restume://profiles/ada")
                check(json.loads(body.contents[0].text)["username"] == "ada", "resources/read")
                print("tools:", ", ".join(names))


asyncio.run(main())
if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
print("SDK client: all checks passed")
