//! `POST /mcp`, the MCP server for recruiters (SPEC §7): one JSON-RPC 2.0
//! message in, one out. The methods and tools are MCP's to describe
//! (`tools/list`); this gives the envelope only.

use serde_json::{Value, json};

use super::{Op, op};

fn message() -> Value {
    json!({"type": "object", "required": ["jsonrpc"],
        "properties": {"jsonrpc": {"const": "2.0"},
                       "id": {"type": ["string", "integer"]},
                       "method": {"type": "string", "examples": ["initialize", "tools/list", "tools/call"]},
                       "params": {"type": "object"},
                       "result": {"type": "object"},
                       "error": {"type": "object", "required": ["code", "message"],
                                 "properties": {"code": {"type": "integer"}, "message": {"type": "string"}}}}})
}

pub fn ops() -> Vec<Op> {
    vec![
        op(
            "POST",
            "/mcp",
            "MCP (Streamable HTTP, stateless): one JSON-RPC message",
        )
        .describe(
            "A request gets 200 and one JSON-RPC response; a notification 202 and no body; \
                 a batch 400 (-32600). Needs the recruiter plan (403 `plan_required` otherwise). \
                 `MCP-Protocol-Version` 2025-11-25, 2025-06-18 or 2025-03-26 (absent: 2025-03-26; \
                 other: 400). An `Origin` other than the server's own or one of \
                 RESTUME_MCP_ALLOWED_ORIGINS: 403.",
        )
        .body(message())
        .ok(message())
        .also(202, None)
        .errors(&[403]),
    ]
}
