-- POST /v1/auth/login with valid credentials of a few storm users.
-- Usage: wrk ... -s bench/login.lua http://host:port -- <password> <user1> [user2 ...]
local next_id = 0
function setup(thread)
    thread:set("tid", next_id)
    next_id = next_id + 1
end

local users = {}
local password = ""
local n = 0

function init(args)
    password = args[1]
    for i = 2, #args do users[#users + 1] = args[i] end
end

function request()
    n = n + 1
    local user = users[(n + (tid or 0)) % #users + 1]
    local body = string.format('{"username":"%s","password":"%s"}', user, password)
    return wrk.format("POST", "/v1/auth/login",
        { ["Content-Type"] = "application/json" }, body)
end
