-- Retry policy for calls between services, run inside HAProxy (lua-load): the
-- one program of both platforms. The local load balancer loads it (the
-- loadbalancer role copies it next to its haproxy.cfg), and the retry-proxy
-- image, the sidecar of an AWS task, carries it in /app (start.sh writes that
-- HAProxy's configuration).
--
-- A listener whose service has a retry policy sends idempotent calls to a
-- `<name>-calls` backend. HAProxy forwards the first attempt itself, through the
-- policy's upstream (an HAProxy listener over the copies, which enforces the
-- attempt's timeout and answers 502/503/504 of its own when a copy fails), and
-- keeps the answer's body. The `retry_policy` action below then sees every
-- answer: it counts the call, classifies the answer, and only when the policy
-- calls it a failure does it make the further attempts, within a budget, and
-- answer with the last one. A good first answer, nearly every call, goes on
-- as HAProxy forwarded it, without a second HTTP client in its path.
--
-- The backend saves what a further attempt needs, before the first one leaves:
--   txn.retry_policy   the policy's name       txn.retry_pathq    path and query
--   txn.retry_headers  the request's headers (req.hdrs)
--   txn.retry_body     its body, when it has one (req.body)
-- Everything else is configured by environment variables, so the same file
-- serves the local load balancer (haproxy.cfg `setenv`) and a sidecar container
-- (its task definition's environment):
--
--   LOADBEARING_RETRY_POLICIES            names of the policies, space-separated
--   LOADBEARING_RETRY_<NAME>_URL          base URL of the upstream (no trailing /)
--   LOADBEARING_RETRY_<NAME>_DST          optional address to connect to instead
--                                         of the URL's (unix@/path, ip:port)
--   LOADBEARING_RETRY_<NAME>_ATTEMPTS     tries per call, the first included
--   LOADBEARING_RETRY_<NAME>_TIMEOUT_MS   one attempt's timeout, which the upstream
--                                         listener enforces (`timeout server`)
--   LOADBEARING_RETRY_<NAME>_ON_CONNECT_FAILURE / _ON_TIMEOUT   1 or 0
--   LOADBEARING_RETRY_<NAME>_ON_STATUSES  space-separated statuses
--   LOADBEARING_RETRY_<NAME>_ON_BODY      PCRE a failed answer's body matches
--   LOADBEARING_RETRY_<NAME>_BUDGET_PERCENT  retries at most this share of calls
--   LOADBEARING_RETRY_<NAME>_BUDGET_BURST    ...plus this many in a burst
--   LOADBEARING_RETRY_<NAME>_LISTEN       sidecar only: the port its haproxy.cfg listens on
--   LOADBEARING_RETRY_LOG_EVERY_S         optional: write the counters to standard output
--                                         every this many seconds (a sidecar's log is the
--                                         only place its counters can be read from)
-- <NAME> is the policy name upper-cased with '-' as '_'.
--
-- Counters: `show retry-policy` on the runtime API, or the `retry_policy_stats`
-- service (haproxy.cfg serves it as JSON on a unix socket).

-- Upstream answers carry this header (added by the upstream listener's
-- http-response rule); HAProxy's own 502/503/504 do not, which is how a
-- connection failure or a timeout is told from the service's own status.
local UPSTREAM_MARK = "x-loadbearing-upstream"
-- Not forwarded in either direction: they describe one connection, not the call.
local HOP_BY_HOP = {
  ["connection"] = true, ["keep-alive"] = true, ["transfer-encoding"] = true,
  ["content-length"] = true, ["te"] = true, ["trailer"] = true, ["upgrade"] = true,
  ["proxy-connection"] = true, [UPSTREAM_MARK] = true,
}
local CLASSES = { "connect_failure", "timeout", "status", "body" }

local policies = {}
local order = {}

local function env(name, field, default)
  local value = os.getenv("LOADBEARING_RETRY_" .. name .. "_" .. field)
  if value == nil or value == "" then
    return default
  end
  return value
end

local function load_policy(policy_name)
  local key = string.upper(string.gsub(policy_name, "-", "_"))
  local url = env(key, "URL", nil)
  if url == nil then
    error("retry policy " .. policy_name .. ": LOADBEARING_RETRY_" .. key .. "_URL is not set")
  end
  local statuses = {}
  for status in string.gmatch(env(key, "ON_STATUSES", ""), "%d+") do
    statuses[tonumber(status)] = true
  end
  local body_regex = nil
  local body_pattern = env(key, "ON_BODY", nil)
  if body_pattern ~= nil then
    local ok, compiled = Regex.new(body_pattern, false)
    if not ok then
      error("retry policy " .. policy_name .. ": ON_BODY is not a valid regular expression")
    end
    body_regex = compiled
  end
  local burst = tonumber(env(key, "BUDGET_BURST", "10"))
  local policy = {
    name = policy_name,
    url = url,
    dst = env(key, "DST", nil),
    attempts = math.max(1, tonumber(env(key, "ATTEMPTS", "3"))),
    timeout_ms = tonumber(env(key, "TIMEOUT_MS", "1000")),
    on_connect_failure = env(key, "ON_CONNECT_FAILURE", "1") == "1",
    on_timeout = env(key, "ON_TIMEOUT", "1") == "1",
    statuses = statuses,
    body_regex = body_regex,
    budget_ratio = tonumber(env(key, "BUDGET_PERCENT", "20")) / 100,
    budget_burst = burst,
    -- A token bucket: each call deposits budget_ratio, each retry spends one,
    -- and it never holds more than the burst. Over any period, retries stay
    -- within budget_ratio x calls + budget_burst.
    tokens = burst,
    counters = { calls = 0, attempts = 0, retries = 0, budget_exhausted = 0, gave_up = 0 },
    failures = {},
  }
  for _, class in ipairs(CLASSES) do
    policy.failures[class] = 0
  end
  return policy
end

for policy_name in string.gmatch(os.getenv("LOADBEARING_RETRY_POLICIES") or "", "%S+") do
  policies[policy_name] = load_policy(policy_name)
  table.insert(order, policy_name)
end

local function first_value(values)
  if values == nil then
    return nil
  end
  for _, value in pairs(values) do
    return value
  end
  return nil
end

-- The body length an answer announced (Content-Length), or nil.
local function announced_length(res)
  return tonumber(first_value(res.headers and res.headers["content-length"]))
end

-- True when an answer stopped short of the length it announced: the copy died while sending
-- it. HAProxy's HTTP client hands such an answer over as it got it, status and all.
local function cut_short(call, res)
  if res.partial or call == "head" or res.status == 204 or res.status == 304 or res.status < 200 then
    return false
  end
  local announced = announced_length(res)
  return announced ~= nil and #(res.body or "") < announced
end

-- Which failure class an answer is, or nil when it is a success.
local function classify(policy, call, res)
  if res == nil or res.status == nil or res.status == 0 or cut_short(call, res) then
    return "connect_failure"
  end
  local marked = res.headers ~= nil and res.headers[UPSTREAM_MARK] ~= nil
  if not marked then
    if res.status == 504 then
      return "timeout"
    end
    if res.status >= 500 then
      return "connect_failure"
    end
  end
  if policy.statuses[res.status] then
    return "status"
  end
  if policy.body_regex ~= nil and policy.body_regex:match(res.body or "") then
    return "body"
  end
  return nil
end

local function retried(policy, class)
  if class == "connect_failure" then
    return policy.on_connect_failure
  end
  if class == "timeout" then
    return policy.on_timeout
  end
  return true
end

-- The request's headers as HAProxy's req.hdrs gives them ("name: value" lines), without the
-- ones that describe a connection.
local function request_headers(block)
  local headers = {}
  for line in string.gmatch(block or "", "[^\r\n]+") do
    local name, value = string.match(line, "^([^:]+):%s*(.-)%s*$")
    if name ~= nil then
      name = string.lower(name)
      if not HOP_BY_HOP[name] then
        headers[name] = headers[name] or {}
        table.insert(headers[name], value)
      end
    end
  end
  return headers
end

-- HAProxy's `wait-for-body` holds an answer until it is whole or its buffer (16 kB, less the
-- headers and the room kept for rewrites) is full. Up to this length a body shorter than
-- announced was cut; beyond it, it may only be the part that fits, so the policy judges the
-- answer by its status and its start, and HAProxy streams the rest as it comes.
local WHOLE_BODY_BYTES = 8192

-- The first attempt's answer, as HAProxy forwarded it, in the HTTP client's shape.
local function forwarded_answer(txn)
  local res = { status = tonumber(txn.f:status()), headers = txn.http:res_get_headers(),
                body = txn.f:res_body() or "" }
  local announced = announced_length(res)
  res.partial = announced ~= nil and announced > WHOLE_BODY_BYTES and #res.body < announced
  return res
end

-- An answer of the policy's own, replacing the first attempt's.
local function reply_with(txn, status, reason, headers, body)
  local reply = txn:reply()
  reply:set_status(status, reason)
  for name, values in pairs(headers) do
    if not HOP_BY_HOP[string.lower(name)] then
      for _, value in pairs(values) do
        reply:add_header(name, value)
      end
    end
  end
  reply:set_body(body)
  txn:done(reply)
end

local function reply_text(txn, status, text)
  reply_with(txn, status, nil, { ["content-type"] = { "text/plain" } }, text)
end

local METHODS = { GET = "get", HEAD = "head", PUT = "put", DELETE = "delete" }

-- One call: its first attempt has been answered (`first`); further attempts while the policy
-- says the answer failed, retries are left and the budget allows. Returns the last answer and
-- its failure class (nil when it is a good one).
local function attempts_after(policy, call, request, first)
  local counters = policy.counters
  counters.calls = counters.calls + 1
  counters.attempts = counters.attempts + 1
  policy.tokens = math.min(policy.budget_burst, policy.tokens + policy.budget_ratio)
  local res, class = first, classify(policy, call, first)
  local attempt = 1
  while class ~= nil do
    policy.failures[class] = policy.failures[class] + 1
    if not retried(policy, class) or attempt >= policy.attempts then
      break
    end
    if policy.tokens < 1 then
      counters.budget_exhausted = counters.budget_exhausted + 1
      break
    end
    policy.tokens = policy.tokens - 1
    counters.retries = counters.retries + 1
    counters.attempts = counters.attempts + 1
    attempt = attempt + 1
    local client = core.httpclient()
    res = client[call](client, request())
    class = classify(policy, call, res)
  end
  if class ~= nil then
    counters.gave_up = counters.gave_up + 1
  end
  return res, class
end

core.register_action("retry_policy", { "http-res" }, function(txn)
  local policy = policies[txn:get_var("txn.retry_policy") or ""]
  local call = METHODS[txn.f:method()]
  if policy == nil or call == nil then
    return
  end
  -- Built only when a further attempt is made: a good first answer costs nothing more.
  local function request()
    -- The upstream listener cuts an attempt at timeout_ms (and answers 504). The client's own
    -- timeout is only a safety net: when it fires, HAProxy's HTTP client retries by itself,
    -- unseen by the policy and its budget.
    return { url = policy.url .. (txn:get_var("txn.retry_pathq") or "/"),
             headers = request_headers(txn:get_var("txn.retry_headers")),
             body = txn:get_var("txn.retry_body"), timeout = 2 * policy.timeout_ms + 1000,
             dst = policy.dst }
  end
  local first = forwarded_answer(txn)
  local res = attempts_after(policy, call, request, first)
  if res == nil or res.status == nil or res.status == 0 then
    reply_text(txn, 503, "no answer from " .. policy.name .. "\n")
  elseif cut_short(call, res) then
    -- Never pass a cut answer on as a whole one: the caller would take it for the real thing.
    reply_text(txn, 502, "the answer from " .. policy.name .. " was cut short\n")
  elseif res ~= first then
    reply_with(txn, res.status, res.reason, res.headers or {}, res.body or "")
  end
end)

local function send_text(applet, status, content_type, text)
  applet:set_status(status)
  applet:add_header("content-type", content_type)
  applet:add_header("content-length", tostring(#text))
  applet:start_response()
  applet:send(text)
end

local function stats_json()
  local parts = {}
  for _, policy_name in ipairs(order) do
    local policy = policies[policy_name]
    local fields = {}
    for _, counter in ipairs({ "calls", "attempts", "retries", "budget_exhausted", "gave_up" }) do
      table.insert(fields, string.format('"%s":%d', counter, policy.counters[counter]))
    end
    local failures = {}
    for _, class in ipairs(CLASSES) do
      table.insert(failures, string.format('"%s":%d', class, policy.failures[class]))
    end
    table.insert(fields, '"failures":{' .. table.concat(failures, ",") .. "}")
    table.insert(fields, string.format('"budget_tokens":%.3f', policy.tokens))
    table.insert(parts, string.format('"%s":{%s}', policy_name, table.concat(fields, ",")))
  end
  return '{"retry_policies":{' .. table.concat(parts, ",") .. "}}\n"
end

core.register_service("retry_policy_stats", "http", function(applet)
  send_text(applet, 200, "application/json", stats_json())
end)

-- Each line is LOG_MARK and the counters' JSON; the throughput stage reads them back from the
-- task's log (plugins/module_utils/retry_policy.py, sidecar_counters_delta).
local LOG_MARK = "retry-policy counters "
local log_every_s = tonumber(os.getenv("LOADBEARING_RETRY_LOG_EVERY_S") or "") or 0
if log_every_s > 0 and #order > 0 then
  core.register_task(function()
    while true do
      io.stdout:write(LOG_MARK .. stats_json())
      io.stdout:flush()
      core.msleep(math.floor(log_every_s * 1000))
    end
  end)
end

core.register_cli({ "show", "retry-policy" }, "show retry-policy : counters of the retry policies as JSON",
  function(applet)
    applet:send(stats_json())
  end)
