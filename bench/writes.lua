-- POST /v1/me/skills with a JWT: users taken round-robin, one unique skill
-- name per request (a name is unique per user; a section holds at most 100 rows).
-- Usage: wrk ... -s bench/writes.lua http://host:port -- <tokens file> <wrk threads> <run tag>
local next_id = 0
function setup(thread)
    thread:set("tid", next_id)
    next_id = next_id + 1
end

local tokens = {}
local nthreads = 1
local tag = "x"
local n = 0

function init(args)
    for line in io.lines(args[1]) do
        if #line > 0 then tokens[#tokens + 1] = "Bearer " .. line end
    end
    nthreads = tonumber(args[2]) or 1
    tag = args[3] or tostring(os.time())
end

local levels = { "Beginner", "Intermediate", "Advanced", "Expert", "Master" }

function request()
    -- thread t takes users t, t + nthreads, t + 2*nthreads, ... in turn
    local idx = (n * nthreads + tid) % #tokens + 1
    n = n + 1
    local body = string.format(
        '{"name":"wrk %s t%d n%d","level":"%s","years":%d,"category":"bench","keywords":["load","test"]}',
        tag, tid, n, levels[n % 5 + 1], n % 30)
    return wrk.format("POST", "/v1/me/skills",
        { ["Authorization"] = tokens[idx], ["Content-Type"] = "application/json" }, body)
end
