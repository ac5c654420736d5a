-- wrk scenario: GET /api/users/<id> (a user with their posts) over all the
-- seeded users, in a fixed order: thread t (0-based) of T visits ids
-- t+1, t+1+T, ... with a stride coprime to the user count, so each thread
-- walks every id once per cycle and the threads never walk in step.
--   wrk -t2 -c16 -d10s -s users.lua http://127.0.0.1:PORT -- USERS
local script_dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(script_dir .. "report.lua")

local threads = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

local users, stride, index, position

local function gcd(a, b)
  while b ~= 0 do a, b = b, a % b end
  return a
end

function init(args)
  users = tonumber(args[1]) or 1000
  stride = 7919 % users
  while stride == 0 or gcd(stride, users) ~= 1 do stride = stride + 1 end
  index = tonumber(wrk.thread:get("index")) or 0
  position = (index * 131) % users
end

function request()
  local id = position + 1
  position = (position + stride) % users
  return wrk.format("GET", "/api/users/" .. id)
end
