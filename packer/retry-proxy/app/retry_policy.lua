-- Retry policy for calls between services, run inside HAProxy (lua-load): the
-- one program of both platforms. The local load balancer loads it (the
-- loadbalancer role copies it next to its haproxy.cfg), and the retry-proxy
-- image, the sidecar of an AWS task, carries it in /app (start.sh writes that
-- HAProxy's configuration).
--
-- A listener whose service has a retry policy hands idempotent requests to the
-- `retry_policy` service below. It sends each attempt through the policy's
-- upstream (an HAProxy listener over the copies, which enforces the attempt's
-- timeout), classifies the answer and retries what the policy says is a
-- failure, within a budget. Everything is configured by environment variables,
-- so the same file serves the local load balancer (haproxy.cfg `setenv`) and a
-- sidecar container (its task definition's environment):
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

-- True when an answer stopped short of the length it announced: the copy died while sending
-- it. HAProxy's HTTP client hands such an answer over as it got it, status and all.
local function cut_short(call, res)
  if call == "head" or res.status == 204 or res.status == 304 or res.status < 200 then
    return false
  end
  local announced = tonumber(first_value(res.headers and res.headers["content-length"]))
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

local function request_headers(applet)
  local headers = {}
  for name, values in pairs(applet.headers) do
    if not HOP_BY_HOP[name] then
      local list = {}
      for _, value in pairs(values) do
        table.insert(list, value)
      end
      headers[name] = list
    end
  end
  return headers
end

local function read_body(applet)
  local length = tonumber(applet.headers["content-length"] and applet.headers["content-length"][0] or "0")
  if length == nil or length <= 0 then
    return nil
  end
  return applet:receive(length)
end

local function send_answer(applet, res)
  local body = res.body or ""
  applet:set_status(res.status, res.reason)
  for name, values in pairs(res.headers or {}) do
    if not HOP_BY_HOP[string.lower(name)] then
      for _, value in pairs(values) do
        applet:add_header(name, value)
      end
    end
  end
  applet:add_header("content-length", tostring(#body))
  applet:start_response()
  applet:send(body)
end

local function send_text(applet, status, content_type, text)
  applet:set_status(status)
  applet:add_header("content-type", content_type)
  applet:add_header("content-length", tostring(#text))
  applet:start_response()
  applet:send(text)
end

local METHODS = { GET = "get", HEAD = "head", PUT = "put", DELETE = "delete" }

core.register_service("retry_policy", "http", function(applet)
  local policy = policies[applet:get_var("txn.retry_policy") or ""]
  local call = METHODS[applet.method]
  if policy == nil or call == nil then
    send_text(applet, 500, "text/plain", "no retry policy for this request\n")
    return
  end
  local target = policy.url .. applet.path
  if applet.qs ~= nil and applet.qs ~= "" then
    target = target .. "?" .. applet.qs
  end
  -- The upstream listener cuts an attempt at timeout_ms (and answers 504). The client's own
  -- timeout is only a safety net, set later: when it fires, HAProxy's HTTP client retries by
  -- itself, unseen by the policy and its budget.
  local request = { url = target, headers = request_headers(applet), body = read_body(applet),
                    timeout = 2 * policy.timeout_ms + 1000, dst = policy.dst }
  local counters = policy.counters
  counters.calls = counters.calls + 1
  policy.tokens = math.min(policy.budget_burst, policy.tokens + policy.budget_ratio)

  local res, class
  for attempt = 1, policy.attempts do
    if attempt > 1 then
      if policy.tokens < 1 then
        counters.budget_exhausted = counters.budget_exhausted + 1
        break
      end
      policy.tokens = policy.tokens - 1
      counters.retries = counters.retries + 1
    end
    counters.attempts = counters.attempts + 1
    local client = core.httpclient()
    res = client[call](client, request)
    class = classify(policy, call, res)
    if class == nil then
      break
    end
    policy.failures[class] = policy.failures[class] + 1
    if not retried(policy, class) then
      break
    end
  end
  if class ~= nil then
    counters.gave_up = counters.gave_up + 1
  end
  if res == nil or res.status == nil or res.status == 0 then
    send_text(applet, 503, "text/plain", "no answer from " .. policy.name .. "\n")
  elseif cut_short(call, res) then
    -- Never pass a cut answer on as a whole one: the caller would take it for the real thing.
    send_text(applet, 502, "text/plain", "the answer from " .. policy.name .. " was cut short\n")
  else
    send_answer(applet, res)
  end
end)

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
