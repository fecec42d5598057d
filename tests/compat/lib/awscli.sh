# Shared by the awscli compatibility scripts, sourced after BINARY and AWS_CLI are set: starts
# localray (`start_localray SEED` sets `endpoint`, `out` and `tmp`, and stops it on exit), sets
# credentials, and helpers that assert one CLI call each and count what passed and failed.
start_localray() {
  out=$(mktemp)
  tmp=$(mktemp -d)
  "$BINARY" --port 0 --xray-udp-port 0 --otlp-port 0 --db :memory: --log-level warn --seed "$1" > "$out" &
  pid=$!
  trap 'kill -INT $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$out" "$tmp"' EXIT
  for _ in $(seq 100); do grep -q LOCALRAY_READY "$out" && break; sleep 0.1; done
  endpoint=$(sed -n 's/^LOCALRAY_READY .*"edge_url":"\([^"]*\)".*/\1/p' "$out")
}
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
aws() { "$AWS_CLI" --endpoint-url "$endpoint" --output json "$@"; }
passed=0 failed=0
check() {  # check NAME EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL $1: expected [$2], got [$3]"; fi
}
txt() {  # txt ARGS...: the call's text output on one line (tabs and newlines as spaces), or ERROR and its message
  local o
  if o=$(aws "$@" --output text 2>"$tmp/err"); then printf '%s' "$o" | tr '\t\n' '  ' | sed 's/ *$//'; else printf 'ERROR %s' "$(tail -c 300 "$tmp/err")"; fi
}
json() {  # json ARGS...: the call's JSON output, or ERROR and its message
  aws "$@" 2>"$tmp/err" || printf 'ERROR %s' "$(tail -c 300 "$tmp/err")"
}
run() {  # run NAME ARGS...: the call succeeds
  local name=$1; shift
  if aws "$@" >/dev/null 2>"$tmp/err"; then check "$name" ok ok; else check "$name" ok "$(tail -c 300 "$tmp/err")"; fi
}
code() {  # code ARGS...: the AWS error code the call fails with, or "succeeded"
  if aws "$@" >/dev/null 2>"$tmp/err"; then echo succeeded; else sed -n 's/.*An error occurred (\([^)]*\)).*/\1/p' "$tmp/err" | head -1; fi
}
jp() {  # jp EXPRESSION JSON: a JMESPath search; strings print raw, the rest as compact JSON
  "$PY" -c 'import json, sys, jmespath
try:
    v = jmespath.search(sys.argv[1], json.loads(sys.argv[2]))
except Exception as e:
    v = "ERROR %r" % e
print(v if isinstance(v, str) else json.dumps(v, separators=(",", ":"), ensure_ascii=False))' "$1" "$2"
}
