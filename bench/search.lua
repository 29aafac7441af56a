-- Search over the seeded users, and MCP ranking.
-- Usage: wrk ... -s bench/search.lua http://host:port -- <mode> [jwt]
--   public-search  GET /v1/profiles?q=<term>&limit=20 (the public search)
--   mcp-search     POST /mcp tools/call search_candidates {text: <term>, limit: 20}
--   mcp-rank       POST /mcp tools/call rank_candidates {job_description: <job>, limit: 20}
-- The term is one of the seeded skills, the job one of four job texts, picked
-- at random per request. The MCP modes need the JWT of a recruiter-plan user
-- (wrk.format with headers leaves out -H headers, so it is an argument).
local next_id = 0
function setup(thread)
    thread:set("tid", next_id)
    next_id = next_id + 1
end

local mode = "public-search"
local token = ""
local terms = { "rust", "python", "kubernetes", "postgresql", "terraform", "kafka", "react",
    "haskell", "docker", "graphql", "elixir", "redis" }
local jobs = {
    "Senior Backend Engineer (Berlin or remote)\n\nWe run a payments platform on Rust and " ..
    "PostgreSQL, deployed on Kubernetes.\nRequirements:\n- 5+ years of professional software " ..
    "development\n- Rust in production\n- PostgreSQL and SQL performance tuning\n- Docker\n\n" ..
    "Nice to have:\n- Kafka\n- Terraform\n- gRPC",
    "Data Engineer. You will build our ingestion pipeline with Python, Kafka and SQL. " ..
    "At least 3 years of experience. AWS is a plus. Ideally you know Go.",
    "Frontend Developer: TypeScript and React, 2+ years. GraphQL experience is a bonus. " ..
    "Nice to have: Linux, Docker.",
    "Platform / SRE: Kubernetes, Terraform, AWS and Linux; 4+ yrs running production systems. " ..
    "Preferred: Go, Redis, Bash.",
}

local function json_string(s)
    return '"' .. s:gsub('\\', '\\\\'):gsub('"', '\\"'):gsub('\n', '\\n') .. '"'
end

function init(args)
    if args[1] then mode = args[1] end
    if args[2] then token = args[2] end
    math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
    for _ = 1, 10 do math.random() end
end

local function mcp(tool, arguments)
    return wrk.format("POST", "/mcp", {
        ["Content-Type"] = "application/json",
        ["Accept"] = "application/json",
        ["MCP-Protocol-Version"] = "2025-06-18",
        ["Authorization"] = "Bearer " .. token,
    }, '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"' .. tool ..
        '","arguments":' .. arguments .. '}}')
end

function request()
    if mode == "mcp-search" then
        return mcp("search_candidates", '{"text":"' .. terms[math.random(#terms)] .. '","limit":20}')
    elseif mode == "mcp-rank" then
        return mcp("rank_candidates",
            '{"job_description":' .. json_string(jobs[math.random(#jobs)]) .. ',"limit":20}')
    end
    return wrk.format("GET", "/v1/profiles?q=" .. terms[math.random(#terms)] .. "&limit=20")
end
