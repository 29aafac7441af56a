-- Writes for the peers comparison (bench/peers.py), one script for every
-- server so each gets the same request pattern: targets taken round-robin
-- per thread, a unique value per request.
-- Usage: wrk ... -s bench/peer_writes.lua http://host:port -- \
--   <targets file> <method> <path template> <body template> <wrk threads> <run tag>
-- A targets line is "<Authorization value>\t<id>". In both templates {id},
-- {t} (the wrk thread), {n} (its request count), {tag}, {level} and {years}
-- are filled in per request.
local next_id = 0
function setup(thread)
    thread:set("tid", next_id)
    next_id = next_id + 1
end

local targets = {}
local method, path, template = "POST", "/", "{}"
local nthreads, tag = 1, "x"
local n = 0
local levels = { "Beginner", "Intermediate", "Advanced", "Expert", "Master" }

function init(args)
    for line in io.lines(args[1]) do
        local auth, id = line:match("^([^\t]*)\t?(.*)$")
        if auth and #line > 0 then targets[#targets + 1] = { auth = auth, id = id } end
    end
    method, path, template = args[2], args[3], args[4]
    nthreads = tonumber(args[5]) or 1
    tag = args[6] or tostring(os.time())
end

function request()
    -- thread t takes targets t, t + nthreads, t + 2*nthreads, ... in turn
    local target = targets[(n * nthreads + tid) % #targets + 1]
    n = n + 1
    local fill = { id = target.id, t = tostring(tid), n = tostring(n), tag = tag,
                   level = levels[n % 5 + 1], years = tostring(n % 30) }
    local body = template:gsub("{(%w+)}", fill)
    local url = path:gsub("{(%w+)}", fill)
    return wrk.format(method, url,
        { ["Authorization"] = target.auth, ["Content-Type"] = "application/json" }, body)
end
