#!/bin/sh
# The retry proxy, an ECS task's sidecar: HAProxy running retry_policy.lua, the program the local
# load balancer loads. The task definition's LOADBEARING_RETRY_* environment is the whole
# configuration (plugins/module_utils/retry_policy.py writes it); this writes HAProxy's from it.
# Per policy, as the local load balancer does for a service with a policy:
#   - a listener on _LISTEN that hands idempotent calls to the policy (the others go through once):
#     HAProxy forwards the first attempt, and the policy's action makes the others when it failed;
#   - the attempts, through a unix socket listener that cuts each at _TIMEOUT_MS and marks the
#     upstream's answers (the policy tells them from HAProxy's own 502/503/504 by the mark), to
#     the load balancer at _URL, its name resolved again as its addresses change.
# LOADBEARING_RETRY_BIND (optional) is the address the listeners bind, all by default;
# LOADBEARING_RETRY_RUN_DIR holds the configuration and the sockets of the runtime API
# (admin.sock, `show retry-policy`) and of the counters (retry-policy.sock, JSON).
set -eu

app_dir=$(dirname "$0")
run_dir="${LOADBEARING_RETRY_RUN_DIR:-/run/retry-proxy}"
bind="${LOADBEARING_RETRY_BIND:-}"
config="$run_dir/haproxy.cfg"

fail() {
  echo "retry-proxy: $*" >&2
  exit 2
}

# LOADBEARING_RETRY_<KEY>_<FIELD>; KEY and FIELD are checked to be [A-Z0-9_] before this runs.
field() {
  eval "printf '%s' \"\${LOADBEARING_RETRY_$1_$2:-}\""
}

[ -n "${LOADBEARING_RETRY_POLICIES:-}" ] || fail "LOADBEARING_RETRY_POLICIES names no policy: nothing to proxy"
mkdir -p "$run_dir"

{
  cat <<CONFIG
global
    maxconn 256
    stats socket $run_dir/admin.sock mode 600 level admin
    lua-load $app_dir/retry_policy.lua

# The load balancers' names, resolved again while the proxy runs: an ALB's addresses change.
resolvers dns
    parse-resolv-conf
    hold valid 10s

defaults
    mode http
    timeout connect 1s
    timeout client 30s
    timeout server 30s

listen retry-policy-stats
    bind unix@$run_dir/retry-policy.sock mode 600
    http-request use-service lua.retry_policy_stats
CONFIG
  for policy in $LOADBEARING_RETRY_POLICIES; do
    case "$policy" in
      *[!a-z0-9-]*) fail "policy $policy: a name is made of a-z, 0-9 and '-'" ;;
    esac
    key=$(printf '%s' "$policy" | tr 'abcdefghijklmnopqrstuvwxyz-' 'ABCDEFGHIJKLMNOPQRSTUVWXYZ_')
    url=$(field "$key" URL)
    listen=$(field "$key" LISTEN)
    timeout_ms=$(field "$key" TIMEOUT_MS)
    authority=${url#http://}
    [ -n "$url" ] && [ "$authority" != "$url" ] ||
      fail "LOADBEARING_RETRY_${key}_URL must be the load balancer's http:// URL, not '$url'"
    case "$listen" in
      '' | *[!0-9]*) fail "LOADBEARING_RETRY_${key}_LISTEN must be the port to listen on, not '$listen'" ;;
    esac
    timeout_ms=${timeout_ms:-1000}
    case "$timeout_ms" in
      *[!0-9]*) fail "LOADBEARING_RETRY_${key}_TIMEOUT_MS must be a whole number of milliseconds, not '$timeout_ms'" ;;
    esac
    authority=${authority%%/*}
    case "$authority" in
      *:*) server=$authority ;;
      *) server=$authority:80 ;;
    esac
    # The policy sends its attempts here instead of to the URL's host (retry_policy.lua: _DST).
    export "LOADBEARING_RETRY_${key}_DST=unix@$run_dir/$policy-attempts.sock"
    cat <<CONFIG

frontend $policy
    bind $bind:$listen
    use_backend $policy-calls if { method GET HEAD PUT DELETE }
    http-response del-header x-loadbearing-upstream
    default_backend $policy

backend $policy-calls
    # The first attempt, forwarded by HAProxy; retry_policy.lua's action sees each answer and
    # makes more attempts only when one failed (as on the local load balancer).
    retries 0
    retry-on none
    timeout server $((2 * $timeout_ms + 1000))ms
    http-request set-var(txn.retry_policy) str($policy)
    http-request set-var(txn.retry_pathq) pathq
    http-request set-var(txn.retry_headers) req.hdrs
    http-request wait-for-body time 1s if { req.hdr_val(content-length) gt 0 }
    http-request set-var(txn.retry_body) req.body if { req.hdr_val(content-length) gt 0 }
    http-response wait-for-body time $(($timeout_ms + 1000))ms
    http-response lua.retry_policy
    server attempts unix@$run_dir/$policy-attempts.sock

frontend $policy-attempts
    bind unix@$run_dir/$policy-attempts.sock mode 600
    # One attempt per connection, as on the local load balancer.
    option httpclose
    default_backend $policy

backend $policy
    # The policy retries, counts and budgets every attempt: HAProxy itself does not.
    retries 0
    retry-on none
    timeout server ${timeout_ms}ms
    http-response set-header x-loadbearing-upstream 1
    server load-balancer $server resolvers dns init-addr last,libc,none
CONFIG
  done
} > "$config"

exec haproxy -db -f "$config"
