#!/usr/bin/env bash
# Debian's awscli (2.9: SQS over the query protocol) against a real localray.
set -euo pipefail
BINARY=${LOCALRAY_BINARY:-$(dirname "$0")/../../build/localray}
out=$(mktemp)
"$BINARY" --port 0 --xray-udp-port 0 --db :memory: --log-level warn --seed 11 > "$out" &
pid=$!
trap 'kill -INT $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 100); do grep -q LOCALRAY_READY "$out" && break; sleep 0.1; done
endpoint=$(sed -n 's/^LOCALRAY_READY .*"edge_url":"\([^"]*\)".*/\1/p' "$out")
invoke=$(sed -n 's/^LOCALRAY_READY .*"invoke_url":"\([^"]*\)".*/\1/p' "$out")
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
aws() { command aws --endpoint-url "$endpoint" --output json "$@"; }
passed=0 failed=0
check() {  # check NAME EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL $1: expected [$2], got [$3]"; fi
}

url=$(aws sqs create-queue --queue-name cli-q --query QueueUrl --output text)
check "create-queue url" "cli-q" "${url##*/}"
md5=$(aws sqs send-message --queue-url "$url" --message-body hello --query MD5OfMessageBody --output text)
check "send-message md5" "5d41402abc4b2a76b9719d911017c592" "$md5"
body=$(aws sqs receive-message --queue-url "$url" --wait-time-seconds 1 --query 'Messages[0].Body' --output text)
check "receive-message body" "hello" "$body"
topic=$(aws sns create-topic --name cli-topic --query TopicArn --output text)
check "create-topic arn" "arn:aws:sns:us-east-1:000000000000:cli-topic" "$topic"
msg=$(aws sns publish --topic-arn "$topic" --message hi --query MessageId --output text)
check "publish message id" 36 "${#msg}"
err=$(aws sns publish --topic-arn "${topic}-missing" --message hi 2>&1 || true)
check "publish to missing topic" "NotFound" "$(grep -o 'NotFound' <<<"$err" | head -1)"

curl -s -X POST -d '{"status":"ok"}' "$invoke/cli" > /dev/null
for _ in $(seq 100); do
  hits=$(aws dynamodb get-item --table-name hits --key '{"path":{"S":"/prod/cli"}}' --query 'Item.hits.N' --output text)
  [ "$hits" = "1" ] && break; sleep 0.05
done
check "dynamodb hits" "1" "$hits"
fns=$(aws lambda list-functions --query 'length(Functions)' --output text)
check "lambda list-functions" "6" "$fns"
payload=$(mktemp)
echo '{"Records":[{"Sns":{"Message":"cli"}}]}' > "$payload"
status=$(aws lambda invoke --function-name sns_subscribe --payload "fileb://$payload" --query StatusCode --output text /dev/null)
rm -f "$payload"
check "lambda invoke" "200" "$status"
now=$(date +%s)
n=$(aws xray get-trace-summaries --start-time $((now - 600)) --end-time $((now + 60)) --query 'length(TraceSummaries)' --output text)
[ "$n" -ge 1 ] && check "xray get-trace-summaries" ok ok || check "xray get-trace-summaries" ">=1" "$n"
names=$(aws xray get-service-graph --start-time $((now - 600)) --end-time $((now + 60)) --query 'Services[?Type==`AWS::ApiGateway::Stage`].Name' --output text)
check "xray get-service-graph" "xrayTracerAPI/prod" "$names"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
