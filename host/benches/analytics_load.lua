-- wrk script for host/benches/analytics_load.sh: POST /api/events with a
-- realistic mix of user agents, pages, referrers and client addresses.
-- WAYMARK_BENCH_TOKEN and WAYMARK_BENCH_SITE come from the environment.

local token = os.getenv("WAYMARK_BENCH_TOKEN")
local site = os.getenv("WAYMARK_BENCH_SITE")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token

local agents = {}
local systems = {
  "Windows NT 10.0; Win64; x64", "Macintosh; Intel Mac OS X 10_15_7", "X11; Linux x86_64",
  "Linux; Android 14; Pixel 8", "Linux; Android 13; SM-S918B",
}
for version = 110, 139 do
  for _, system in ipairs(systems) do
    agents[#agents + 1] = "Mozilla/5.0 (" .. system .. ") AppleWebKit/537.36 (KHTML, like Gecko) Chrome/"
      .. version .. ".0.0.0 Safari/537.36"
  end
end
for version = 115, 134 do
  agents[#agents + 1] = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:" .. version .. ".0) Gecko/20100101 Firefox/"
    .. version .. ".0"
end
for major = 15, 17 do
  for minor = 0, 5 do
    agents[#agents + 1] = "Mozilla/5.0 (iPhone; CPU iPhone OS " .. major .. "_" .. minor
      .. " like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/" .. major .. "." .. minor
      .. " Mobile/15E148 Safari/604.1"
  end
end
agents[#agents + 1] = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
agents[#agents + 1] = "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"
agents[#agents + 1] = "curl/8.5.0"

local referrers = {
  "", "", "", "", "https://www.google.com/", "https://www.google.com/", "https://duckduckgo.com/",
  "https://www.facebook.com/", "https://t.co/", "https://news.ycombinator.com/", "https://github.com/",
  "https://mail.google.com/",
}

local bodies = {}
for i = 1, 2000 do
  local ip = string.format("%d.%d.%d.%d", math.random(11, 190), math.random(0, 255), math.random(0, 255),
    math.random(1, 254))
  local kind = "page_view"
  if i % 10 == 0 then kind = "signup" end
  bodies[i] = string.format(
    '{"site_id":%s,"session_id":"s%d","ip":"%s","url":"https://bench.example/p/%d","referrer":"%s",' ..
    '"user_agent":"%s","screen":"1920x1080","language":"en-US","event_type":"%s"}',
    site, i, ip, math.random(1, 1000), referrers[math.random(#referrers)], agents[math.random(#agents)], kind)
end

local n = 0
request = function()
  n = n % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[n])
end
