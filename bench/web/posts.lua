-- wrk scenario: GET /api/posts?page=N (20 posts, newest first, each with its
-- author and tags) over the first PAGES pages, cycling in order; thread t
-- starts at a different page.
--   wrk -t2 -c16 -d10s -s posts.lua http://127.0.0.1:PORT -- PAGES
local script_dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(script_dir .. "report.lua")

local threads = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

local pages, position

function init(args)
  pages = tonumber(args[1]) or 500
  local index = tonumber(wrk.thread:get("index")) or 0
  position = (index * 97) % pages
end

function request()
  local page = position + 1
  position = (position + 1) % pages
  return wrk.format("GET", "/api/posts?page=" .. page)
end
