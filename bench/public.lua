-- GET /v1/profiles/{username}, a random seeded username per request.
-- Usage: wrk ... -s bench/public.lua http://host:port -- <usernames file> [path prefix]
-- (prefix /u/ reads the HTML page instead)
local next_id = 0
function setup(thread)
    thread:set("tid", next_id)
    next_id = next_id + 1
end

local names = {}
local prefix = "/v1/profiles/"

function init(args)
    for line in io.lines(args[1]) do
        if #line > 0 then names[#names + 1] = line end
    end
    if args[2] then prefix = args[2] end
    math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
    for _ = 1, 10 do math.random() end
end

function request()
    return wrk.format("GET", prefix .. names[math.random(#names)])
end
