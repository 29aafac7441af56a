-- POST /v1/profiles/{username}/ask: a random seeded username and a random
-- question per request (skills, years, roles, education, contact, out of
-- scope), so every intent of the engine is exercised.
-- Usage: wrk ... -s bench/ask.lua http://host:port -- <usernames file>
local next_id = 0
function setup(thread)
    thread:set("tid", next_id)
    next_id = next_id + 1
end

local names = {}
local questions = {
    "Does she know Rust?",
    "How many years of experience does she have?",
    "How many years of Python?",
    "What is her current role?",
    "Where has she worked before?",
    "Where is she based?",
    "Is she open to work?",
    "What is her education?",
    "Which certifications are still valid?",
    "Which projects use JavaScript?",
    "How can I contact her?",
    "Who is this?",
    "Does she know Haskell and Go?",
    "What is her salary?",
}

function init(args)
    for line in io.lines(args[1]) do
        if #line > 0 then names[#names + 1] = line end
    end
    math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
    for _ = 1, 10 do math.random() end
end

function request()
    local q = questions[math.random(#questions)]
    return wrk.format("POST", "/v1/profiles/" .. names[math.random(#names)] .. "/ask",
        {["Content-Type"] = "application/json"}, '{"question":"' .. q .. '"}')
end
