#!/usr/bin/env bash
# Debian's awscli (2.9: SQS over the query protocol) against a real localray: every operation of the
# compatibility brief, results asserted. Each `check` compares one expected value with what the CLI
# printed; a call that fails where it should not shows up as a FAIL with its error, not as an abort.
set -euo pipefail
BINARY=${LOCALRAY_BINARY:-$(dirname "$0")/../../build/localray}
# Debian's package, by path: an `aws` found earlier on PATH (pip, pyenv) is a different client.
AWS_CLI=${AWS_CLI:-/usr/bin/aws}
PY=/usr/bin/python3  # Debian's, which has jmespath (a dependency of awscli and botocore)
source "$(dirname "$0")/lib/awscli.sh"
start_localray 11
port=${endpoint##*:}
invoke=$(sed -n 's/^LOCALRAY_READY .*"invoke_url":"\([^"]*\)".*/\1/p' "$out")
md5attrs() {  # md5attrs JSON: MD5OfMessageAttributes of String/Number attributes, as the SDKs compute it
  "$PY" -c 'import hashlib, json, struct, sys
a, h = json.loads(sys.argv[1]), hashlib.md5()
lp = lambda b: h.update(struct.pack(">I", len(b)) + b)
for n in sorted(a):
    lp(n.encode()); lp(a[n]["DataType"].encode()); h.update(b"\x01"); lp(a[n]["StringValue"].encode())
print(h.hexdigest())' "$1"
}
counters() { txt sqs get-queue-attributes --queue-url "$1" --attribute-names All \
  --query '[Attributes.ApproximateNumberOfMessages, Attributes.ApproximateNumberOfMessagesNotVisible]'; }
trace_id() { printf '1-%08x-%s' "$(date +%s)" "$(printf "$1%.0s" $(seq 12))"; }
acct=000000000000

check "client is Debian's awscli 2.9" "aws-cli/2.9" "$("$AWS_CLI" --version 2>&1 | grep -o '^aws-cli/2\.9')"

# ---------------------------------------------------------------- SQS (query protocol)
dlq=$(txt sqs create-queue --queue-name cli-dlq --query QueueUrl)
dlq_arn=$(txt sqs get-queue-attributes --queue-url "$dlq" --attribute-names QueueArn --query Attributes.QueueArn)
check "sqs dlq arn" "arn:aws:sqs:us-east-1:$acct:cli-dlq" "$dlq_arn"
# VisibilityTimeout 30: the receipt handles must outlive several CLI start-ups on a loaded machine.
attrs=$("$PY" -c 'import json, sys; print(json.dumps({"VisibilityTimeout": "30", "DelaySeconds": "0",
  "RedrivePolicy": json.dumps({"deadLetterTargetArn": sys.argv[1], "maxReceiveCount": "3"})}))' "$dlq_arn")
url=$(txt sqs create-queue --queue-name cli-q --attributes "$attrs" --query QueueUrl)
check "sqs create-queue url" "$endpoint/queue/us-east-1/$acct/cli-q" "$url"
check "sqs get-queue-url" "$url" "$(txt sqs get-queue-url --queue-name cli-q --query QueueUrl)"
check "sqs list-queues prefix" "cli-dlq cli-q" "$(txt sqs list-queues --queue-name-prefix cli- --query 'sort(QueueUrls)' | sed 's#[^ ]*/##g')"
created=$(json sqs get-queue-attributes --queue-url "$url" --attribute-names All)
check "sqs created attributes" "30 0" "$(jp 'join(`" "`, [Attributes.VisibilityTimeout, Attributes.DelaySeconds])' "$created")"
check "sqs redrive policy" "$dlq_arn 3" "$("$PY" -c 'import json, sys; p = json.loads(sys.argv[1]); print(p["deadLetterTargetArn"], p["maxReceiveCount"])' \
  "$(jp Attributes.RedrivePolicy "$created")" 2>&1 | tail -1)"

header="Root=$(trace_id ef);Parent=53995c3f42cd8ad8;Sampled=1"
msg_attrs='{"status":{"DataType":"String","StringValue":"ok"},"n":{"DataType":"Number","StringValue":"42"}}'
sys_attrs="{\"AWSTraceHeader\":{\"DataType\":\"String\",\"StringValue\":\"$header\"}}"
body='hello "cli" <&> é'
sent=$(json sqs send-message --queue-url "$url" --message-body "$body" --message-attributes "$msg_attrs" --message-system-attributes "$sys_attrs")
check "sqs send-message md5 of body" "$(printf %s "$body" | md5sum | cut -d' ' -f1)" "$(jp MD5OfMessageBody "$sent")"
check "sqs send-message md5 of attributes" "$(md5attrs "$msg_attrs")" "$(jp MD5OfMessageAttributes "$sent")"
check "sqs send-message md5 of system attributes" "$(md5attrs "$sys_attrs")" "$(jp MD5OfMessageSystemAttributes "$sent")"
sent_id=$(jp MessageId "$sent")
batch=$(json sqs send-message-batch --queue-url "$url" --entries '[{"Id":"a","MessageBody":"one"},{"Id":"b","MessageBody":"two","DelaySeconds":0}]')
check "sqs send-message-batch" '["a","b"] 0' "$(jp 'sort(Successful[].Id)' "$batch") $(jp 'length(Failed || `[]`)' "$batch")"
check "sqs send-message-batch md5" "$(printf one | md5sum | cut -d' ' -f1)" "$(jp "Successful[?Id=='a'].MD5OfMessageBody | [0]" "$batch")"
check "sqs counters after send" "3 0" "$(counters "$url")"

first_two=$(json sqs receive-message --queue-url "$url" --max-number-of-messages 2 --wait-time-seconds 1 --message-attribute-names All --attribute-names All)
check "sqs receive-message max-number-of-messages 2" "2" "$(jp 'length(Messages)' "$first_two")"
rest=$(json sqs receive-message --queue-url "$url" --max-number-of-messages 10 --wait-time-seconds 1 --message-attribute-names All --attribute-names All)
check "sqs receive-message the rest" "1" "$(jp 'length(Messages)' "$rest")"
got=$("$PY" -c 'import json, sys; print(json.dumps({"Messages": sum((json.loads(a).get("Messages", []) for a in sys.argv[1:]), [])}))' "$first_two" "$rest" 2>&1)
check "sqs receive-message bodies" '["hello \"cli\" <&> é","one","two"]' "$(jp 'sort(Messages[].Body)' "$got")"
hello="Messages[?MessageId=='$sent_id'] | [0]"
check "sqs received body" "$body" "$(jp "$hello.Body" "$got")"
check "sqs received md5" "$(printf %s "$body" | md5sum | cut -d' ' -f1)" "$(jp "$hello.MD5OfBody" "$got")"
check "sqs received attributes" '{"n":{"DataType":"Number","StringValue":"42"},"status":{"DataType":"String","StringValue":"ok"}}' \
  "$(jp "$hello.MessageAttributes" "$got" | "$PY" -c 'import json, sys; print(json.dumps(json.load(sys.stdin), sort_keys=True, separators=(",", ":")))' 2>&1 | tail -1)"
check "sqs received AWSTraceHeader" "$header" "$(jp "$hello.Attributes.AWSTraceHeader" "$got")"
check "sqs received ApproximateReceiveCount" "1" "$(jp "$hello.Attributes.ApproximateReceiveCount" "$got")"
sent_ms=$(jp "$hello.Attributes.SentTimestamp" "$got")
check "sqs received SentTimestamp (ms, recent)" ok "$([ $(( $(date +%s%3N) - ${sent_ms:-0} )) -lt 60000 ] && echo ok || echo "$sent_ms")"
check "sqs counters after receive" "0 3" "$(counters "$url")"
check "sqs in flight: nothing to receive" "0" "$(txt sqs receive-message --queue-url "$url" --wait-time-seconds 0 --query 'length(Messages || `[]`)')"
run "sqs change-message-visibility" sqs change-message-visibility --queue-url "$url" --receipt-handle "$(jp "$hello.ReceiptHandle" "$got")" --visibility-timeout 0
others=$(jp "Messages[?MessageId!='$sent_id'].{Id: MessageId, ReceiptHandle: ReceiptHandle}" "$got")
check "sqs delete-message-batch" "2 0" "$(txt sqs delete-message-batch --queue-url "$url" --entries "$others" --query '[length(Successful), length(Failed || `[]`)]')"
again=$(json sqs receive-message --queue-url "$url" --wait-time-seconds 1 --attribute-names ApproximateReceiveCount)
check "sqs visible again after change-message-visibility" "$body 2" "$(jp 'Messages[0].Body' "$again") $(jp 'Messages[0].Attributes.ApproximateReceiveCount' "$again")"
run "sqs delete-message" sqs delete-message --queue-url "$url" --receipt-handle "$(jp 'Messages[0].ReceiptHandle' "$again")"
check "sqs counters after delete" "0 0" "$(counters "$url")"

# Long poll: the receive is waiting (its connection is open) when the message is sent.
started=$(date +%s)
( txt sqs receive-message --queue-url "$url" --wait-time-seconds 20 --query 'Messages[0].[Body, ReceiptHandle]' > "$tmp/late" ) &
poller=$!
if command -v ss > /dev/null; then
  for _ in $(seq 100); do ss -Htn state established "( dport = :$port )" 2>/dev/null | grep -q . && break; sleep 0.1; done
else
  sleep 2  # no ss (iproute2): about one CLI start-up
fi
sleep 0.3
run "sqs send during long poll" sqs send-message --queue-url "$url" --message-body late
wait $poller
read -r late late_handle < "$tmp/late" || true
check "sqs long poll receives the late message" "late" "$late"
check "sqs long poll returned before its 20 s timeout" ok "$([ $(( $(date +%s) - started )) -lt 15 ] && echo ok || echo "$(( $(date +%s) - started )) s")"
run "sqs delete the late message" sqs delete-message --queue-url "$url" --receipt-handle "${late_handle:-none}"

# DelaySeconds on the queue holds new messages back (10 s: longer than the two CLI calls that look).
run "sqs set-queue-attributes" sqs set-queue-attributes --queue-url "$url" --attributes DelaySeconds=10,VisibilityTimeout=7
check "sqs get-queue-attributes" "10 7" "$(txt sqs get-queue-attributes --queue-url "$url" --attribute-names DelaySeconds VisibilityTimeout --query '[Attributes.DelaySeconds, Attributes.VisibilityTimeout]')"
run "sqs send delayed" sqs send-message --queue-url "$url" --message-body delayed
check "sqs delayed: nothing to receive yet" "0" "$(txt sqs receive-message --queue-url "$url" --wait-time-seconds 0 --query 'length(Messages || `[]`)')"
check "sqs counters while delayed" "0 0 1" "$(txt sqs get-queue-attributes --queue-url "$url" --attribute-names All \
  --query '[Attributes.ApproximateNumberOfMessages, Attributes.ApproximateNumberOfMessagesNotVisible, Attributes.ApproximateNumberOfMessagesDelayed]')"
check "sqs delayed message arrives" "delayed" "$(txt sqs receive-message --queue-url "$url" --wait-time-seconds 15 --query 'Messages[0].Body')"
# PurgeQueue removes the message now in flight too.
run "sqs purge-queue" sqs purge-queue --queue-url "$url"
check "sqs counters after purge" "0 0" "$(counters "$url")"
run "sqs delete-queue" sqs delete-queue --queue-url "$url"
check "sqs list-queues after delete" "cli-dlq" "$(txt sqs list-queues --queue-name-prefix cli- --query 'QueueUrls' | sed 's#[^ ]*/##g')"
check "sqs get-queue-url of deleted queue" "AWS.SimpleQueueService.NonExistentQueue" "$(code sqs get-queue-url --queue-name cli-q)"

# Redrive: with maxReceiveCount 1 the second receive moves the message to the dead-letter queue.
rd_attrs=$("$PY" -c 'import json, sys; print(json.dumps({"RedrivePolicy": json.dumps({"deadLetterTargetArn": sys.argv[1], "maxReceiveCount": 1})}))' "$dlq_arn")
rd=$(txt sqs create-queue --queue-name cli-redrive --attributes "$rd_attrs" --query QueueUrl)
run "sqs send poison" sqs send-message --queue-url "$rd" --message-body poison
check "sqs first receive" "poison" "$(txt sqs receive-message --queue-url "$rd" --wait-time-seconds 1 --visibility-timeout 0 --query 'Messages[0].Body')"
check "sqs second receive: moved away" "0" "$(txt sqs receive-message --queue-url "$rd" --wait-time-seconds 1 --query 'length(Messages || `[]`)')"
check "sqs redriven to the dead-letter queue" "poison" "$(txt sqs receive-message --queue-url "$dlq" --wait-time-seconds 2 --query 'Messages[0].Body')"

# ---------------------------------------------------------------- SNS
topic=$(txt sns create-topic --name cli-topic --query TopicArn)
check "sns create-topic arn" "arn:aws:sns:us-east-1:$acct:cli-topic" "$topic"
check "sns list-topics" "1" "$(txt sns list-topics --query "length(Topics[?TopicArn=='$topic'])")"
sink=$(txt sqs create-queue --queue-name cli-sink --query QueueUrl)
raw=$(txt sqs create-queue --queue-name cli-sink-raw --query QueueUrl)
sub=$(txt sns subscribe --topic-arn "$topic" --protocol sqs --notification-endpoint "arn:aws:sqs:us-east-1:$acct:cli-sink" --query SubscriptionArn)
check "sns subscribe sqs" "$topic" "${sub%:*}"
raw_sub=$(txt sns subscribe --topic-arn "$topic" --protocol sqs --notification-endpoint "arn:aws:sqs:us-east-1:$acct:cli-sink-raw" \
  --attributes RawMessageDelivery=true --return-subscription-arn --query SubscriptionArn)
check "sns subscribe sqs raw" "$topic" "${raw_sub%:*}"
fn_sub=$(txt sns subscribe --topic-arn "$topic" --protocol lambda --notification-endpoint "arn:aws:lambda:us-east-1:$acct:function:sns_subscribe" --query SubscriptionArn)
check "sns subscribe lambda" "$topic" "${fn_sub%:*}"
check "sns list-subscriptions-by-topic" "lambda sqs sqs arn:aws:lambda:us-east-1:$acct:function:sns_subscribe" \
  "$(txt sns list-subscriptions-by-topic --topic-arn "$topic" --query "[join(' ', sort(Subscriptions[].Protocol)), Subscriptions[?Protocol=='lambda'].Endpoint | [0]]")"
check "sns list-subscriptions" "$topic" "$(txt sns list-subscriptions --query "Subscriptions[?SubscriptionArn=='$sub'].TopicArn | [0]")"
check "sns get-topic-attributes" "$topic 3" "$(txt sns get-topic-attributes --topic-arn "$topic" --query '[Attributes.TopicArn, Attributes.SubscriptionsConfirmed]')"

msg=$(txt sns publish --topic-arn "$topic" --message order-1 --subject new \
  --message-attributes '{"kind":{"DataType":"String","StringValue":"order"},"qty":{"DataType":"Number","StringValue":"3"}}' --query MessageId)
check "sns publish message id" 36 "${#msg}"
note=$(txt sqs receive-message --queue-url "$sink" --wait-time-seconds 5 --query 'Messages[0].Body')
check "sns envelope" "Notification $msg $topic order-1 new" \
  "$(jp 'join(`" "`, [Type, MessageId, TopicArn, Message, Subject])' "$note")"
check "sns envelope attributes" '{"Type":"String","Value":"order"} {"Type":"Number","Value":"3"}' \
  "$(jp MessageAttributes.kind "$note") $(jp MessageAttributes.qty "$note")"
rawmsg=$(json sqs receive-message --queue-url "$raw" --wait-time-seconds 5 --message-attribute-names All)
check "sns raw delivery" "order-1 order 3 Number" \
  "$(jp 'join(`" "`, [Messages[0].Body, Messages[0].MessageAttributes.kind.StringValue, Messages[0].MessageAttributes.qty.StringValue, Messages[0].MessageAttributes.qty.DataType])' "$rawmsg")"
# The Lambda subscriber ran: a trace has the edge topic → sns_subscribe (also an X-Ray filter expression).
deadline=$((SECONDS + 15))
while :; do
  now=$(date +%s)
  edges=$(txt xray get-trace-summaries --start-time $((now - 600)) --end-time $((now + 60)) \
    --filter-expression 'edge("cli-topic", "sns_subscribe")' --query 'length(TraceSummaries)')
  [ "$edges" = "1" ] || [ $SECONDS -ge $deadline ] && break
  sleep 0.2
done
check "sns lambda subscriber ran (xray filter edge(cli-topic, sns_subscribe))" "1" "$edges"

check "sns publish-batch" "1 2 0" "$(txt sns publish-batch --topic-arn "$topic" --publish-batch-request-entries \
  '[{"Id":"1","Message":"a"},{"Id":"2","Message":"b","MessageAttributes":{"k":{"DataType":"String","StringValue":"b"}}}]' \
  --query "[join(' ', sort(Successful[].Id)), length(Failed || \`[]\`)]")"
bodies=""
deadline=$((SECONDS + 15))
while [ "$(wc -w <<<"$bodies")" -lt 2 ] && [ $SECONDS -lt $deadline ]; do
  b=$(json sqs receive-message --queue-url "$raw" --wait-time-seconds 1 --max-number-of-messages 10)
  [ -n "$b" ] || b='{}'  # the CLI prints nothing for an empty receive
  bodies="$bodies $(jp "join(' ', Messages[].Body || \`[]\`)" "$b")"
done
check "sns publish-batch delivered" "a b" "$(tr ' ' '\n' <<<"$bodies" | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//')"
run "sns unsubscribe" sns unsubscribe --subscription-arn "$sub"
check "sns subscriptions after unsubscribe" "2" "$(txt sns list-subscriptions-by-topic --topic-arn "$topic" --query 'length(Subscriptions)')"
run "sns delete-topic" sns delete-topic --topic-arn "$topic"
check "sns list-topics after delete" "0" "$(txt sns list-topics --query "length(Topics[?TopicArn=='$topic'])")"
err=$(aws sns publish --topic-arn "$topic" --message hi 2>&1 || true)
check "sns publish to missing topic" "NotFound" "$(grep -o 'NotFound' <<<"$err" | head -1)"

# ---------------------------------------------------------------- DynamoDB
t=cli-orders
check "dynamodb create-table" "$t PAY_PER_REQUEST" "$(txt dynamodb create-table --table-name $t \
  --key-schema AttributeName=pk,KeyType=HASH AttributeName=sk,KeyType=RANGE \
  --attribute-definitions AttributeName=pk,AttributeType=S AttributeName=sk,AttributeType=S AttributeName=status,AttributeType=S AttributeName=created,AttributeType=N \
  --global-secondary-indexes '[{"IndexName":"by-status","KeySchema":[{"AttributeName":"status","KeyType":"HASH"},{"AttributeName":"created","KeyType":"RANGE"}],"Projection":{"ProjectionType":"INCLUDE","NonKeyAttributes":["v"]}}]' \
  --billing-mode PAY_PER_REQUEST --query '[TableDescription.TableName, TableDescription.BillingModeSummary.BillingMode]')"
check "dynamodb describe-table" "ACTIVE arn:aws:dynamodb:us-east-1:$acct:table/$t pk sk by-status status created INCLUDE v" \
  "$(txt dynamodb describe-table --table-name $t --query "[Table.TableStatus, Table.TableArn, join(' ', Table.KeySchema[].AttributeName), Table.GlobalSecondaryIndexes[0].IndexName, join(' ', Table.GlobalSecondaryIndexes[0].KeySchema[].AttributeName), Table.GlobalSecondaryIndexes[0].Projection.ProjectionType, join(' ', Table.GlobalSecondaryIndexes[0].Projection.NonKeyAttributes)]")"
check "dynamodb list-tables" "True True" "$(txt dynamodb list-tables --query "[contains(TableNames, '$t'), contains(TableNames, 'hits')]")"
item() { printf '{"pk":{"S":"a"},"sk":{"S":"item#%d"},"v":{"S":"v%d"},"status":{"S":"%s"},"created":{"N":"%d"},"secret":{"S":"x"}}' "$1" "$1" "$([ $(($1 % 2)) = 1 ] && echo odd || echo even)" $((100 + $1)); }
check "dynamodb put-item consumed capacity" "$t 1.0" "$(txt dynamodb put-item --table-name $t --item "$(item 0)" --return-consumed-capacity TOTAL --query '[ConsumedCapacity.TableName, ConsumedCapacity.CapacityUnits]')"
check "dynamodb put-item" "$t 1.0" "$(txt dynamodb put-item --table-name $t --item "$(item 1)" --return-consumed-capacity TOTAL --query '[ConsumedCapacity.TableName, ConsumedCapacity.CapacityUnits]')"
check "dynamodb batch-write-item puts" "{}" "$(jp UnprocessedItems "$(json dynamodb batch-write-item --request-items "{\"$t\":[{\"PutRequest\":{\"Item\":$(item 2)}},{\"PutRequest\":{\"Item\":$(item 3)}},{\"PutRequest\":{\"Item\":$(item 4)}},{\"PutRequest\":{\"Item\":{\"pk\":{\"S\":\"a\"},\"sk\":{\"S\":\"other#0\"},\"v\":{\"S\":\"o\"}}}}]}")")"
key3='{"pk":{"S":"a"},"sk":{"S":"item#3"}}'
check "dynamodb get-item consistent" "v3 $t 1.0" "$(txt dynamodb get-item --table-name $t --key "$key3" --consistent-read --return-consumed-capacity TOTAL --query '[Item.v.S, ConsumedCapacity.TableName, ConsumedCapacity.CapacityUnits]')"
run "dynamodb update-item SET set" dynamodb update-item --table-name $t --key "$key3" --update-expression 'SET tags = :t' --expression-attribute-values '{":t":{"SS":["red","blue","green"]}}'
check "dynamodb update-item SET/REMOVE/ADD/DELETE ALL_NEW" "new 104 1 None blue,green 1.0" "$(txt dynamodb update-item --table-name $t --key "$key3" \
  --update-expression 'SET #v = :v, #c = #c + :one REMOVE secret ADD hits :one DELETE tags :gone' \
  --condition-expression 'attribute_exists(pk) AND #v = :old' --expression-attribute-names '{"#v":"v","#c":"created"}' \
  --expression-attribute-values '{":v":{"S":"new"},":one":{"N":"1"},":gone":{"SS":["red"]},":old":{"S":"v3"}}' \
  --return-values ALL_NEW --return-consumed-capacity TOTAL \
  --query "[Attributes.v.S, Attributes.created.N, Attributes.hits.N, Attributes.secret, join(',', sort(Attributes.tags.SS)), ConsumedCapacity.CapacityUnits]")"
check "dynamodb update-item condition fails" "ConditionalCheckFailedException" "$(code dynamodb update-item --table-name $t --key "$key3" \
  --update-expression 'SET v = :v' --condition-expression 'v = :old' --expression-attribute-values '{":v":{"S":"x"},":old":{"S":"v3"}}')"
check "dynamodb query begins_with" "item#0 item#1 item#2 item#3 item#4 5 $t 0.5" "$(txt dynamodb query --table-name $t \
  --key-condition-expression 'pk = :p AND begins_with(sk, :pre)' --expression-attribute-values '{":p":{"S":"a"},":pre":{"S":"item#"}}' \
  --return-consumed-capacity TOTAL --query "[join(' ', Items[].sk.S), Count, ConsumedCapacity.TableName, ConsumedCapacity.CapacityUnits]")"
between=(--table-name $t --key-condition-expression 'pk = :p AND sk BETWEEN :a AND :b'
  --expression-attribute-values '{":p":{"S":"a"},":a":{"S":"item#1"},":b":{"S":"item#4"}}' --limit 2 --no-scan-index-forward)
page1=$(json dynamodb query "${between[@]}")
check "dynamodb query between, backwards, limit" 'item#4 item#3 {"pk":{"S":"a"},"sk":{"S":"item#3"}}' \
  "$(jp "join(' ', Items[].sk.S)" "$page1") $(jp LastEvaluatedKey "$page1")"
check "dynamodb query exclusive-start-key" "item#2 item#1" "$(txt dynamodb query "${between[@]}" --exclusive-start-key "$(jp LastEvaluatedKey "$page1")" --query "join(' ', Items[].sk.S)")"
check "dynamodb query GSI with projection" "item#0 item#2 created pk sk status v" "$(txt dynamodb query --table-name $t --index-name by-status \
  --key-condition-expression '#s = :s AND created BETWEEN :lo AND :hi' --expression-attribute-names '{"#s":"status"}' \
  --expression-attribute-values '{":s":{"S":"even"},":lo":{"N":"100"},":hi":{"N":"103"}}' --query "[join(' ', Items[].sk.S), join(' ', sort(keys(Items[0])))]")"
check "dynamodb scan filter + projection" "4 6 sk,v $t 0.5" "$(txt dynamodb scan --table-name $t --filter-expression 'begins_with(v, :p)' \
  --projection-expression 'sk, #v' --expression-attribute-names '{"#v":"v"}' --expression-attribute-values '{":p":{"S":"v"}}' \
  --return-consumed-capacity TOTAL --query "[Count, ScannedCount, join(',', sort(keys(Items[0]))), ConsumedCapacity.TableName, ConsumedCapacity.CapacityUnits]")"
seg0=$(txt dynamodb scan --table-name $t --segment 0 --total-segments 2 --query "Items[].sk.S")
seg1=$(txt dynamodb scan --table-name $t --segment 1 --total-segments 2 --query "Items[].sk.S")
check "dynamodb parallel scan partitions the table" "item#0 item#1 item#2 item#3 item#4 other#0" "$(tr ' ' '\n' <<<"$seg0 $seg1" | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//')"
check "dynamodb batch-write-item put + delete" "0 $t 2.0" "$(txt dynamodb batch-write-item --return-consumed-capacity TOTAL --request-items "{\"$t\":[
  {\"PutRequest\":{\"Item\":{\"pk\":{\"S\":\"b\"},\"sk\":{\"S\":\"1\"},\"v\":{\"S\":\"b1\"}}}},
  {\"DeleteRequest\":{\"Key\":{\"pk\":{\"S\":\"a\"},\"sk\":{\"S\":\"item#0\"}}}}]}" --query '[length(keys(UnprocessedItems)), ConsumedCapacity[0].TableName, ConsumedCapacity[0].CapacityUnits]')"
check "dynamodb batch-get-item" "b1 v1 0 $t 1.5" "$(txt dynamodb batch-get-item --return-consumed-capacity TOTAL --request-items "{\"$t\":{\"Keys\":[
  {\"pk\":{\"S\":\"b\"},\"sk\":{\"S\":\"1\"}},{\"pk\":{\"S\":\"a\"},\"sk\":{\"S\":\"item#0\"}},{\"pk\":{\"S\":\"a\"},\"sk\":{\"S\":\"item#1\"}}]}}" \
  --query "[join(' ', sort(Responses.\"$t\"[].v.S)), length(keys(UnprocessedKeys)), ConsumedCapacity[0].TableName, ConsumedCapacity[0].CapacityUnits]")"
check "dynamodb delete-item ALL_OLD" "b1" "$(txt dynamodb delete-item --table-name $t --key '{"pk":{"S":"b"},"sk":{"S":"1"}}' --return-values ALL_OLD --query Attributes.v.S)"
check "dynamodb delete-table" "$t" "$(txt dynamodb delete-table --table-name $t --query TableDescription.TableName)"
check "dynamodb describe deleted table" "ResourceNotFoundException" "$(code dynamodb describe-table --table-name $t)"

# The pattern counts hits per path in its table.
curl -s -X POST -d '{"status":"ok"}' "$invoke/cli" > /dev/null
deadline=$((SECONDS + 15))
while :; do
  hits=$(txt dynamodb get-item --table-name hits --key '{"path":{"S":"/prod/cli"}}' --query 'Item.hits.N')
  [ "$hits" = "1" ] || [ $SECONDS -ge $deadline ] && break
  sleep 0.05
done
check "dynamodb hits of the pattern" "1" "$hits"

# ---------------------------------------------------------------- Lambda
check "lambda list-functions" "dynamo http sns_publish sns_subscribe sqs sqs_subscribe" "$(txt lambda list-functions --query "join(' ', sort(Functions[].FunctionName))")"
check "lambda get-function" "arn:aws:lambda:us-east-1:$acct:function:sns_subscribe" "$(txt lambda get-function --function-name sns_subscribe --query Configuration.FunctionArn)"
echo '{"Records":[{"Sns":{"Message":"cli"}}]}' > "$tmp/event.json"
echo '{}' > "$tmp/empty.json"
tail=$(json lambda invoke --function-name sns_subscribe --payload "fileb://$tmp/event.json" --log-type Tail "$tmp/out.json")
check "lambda invoke RequestResponse" "200 null" "$(jp StatusCode "$tail") $(jp FunctionError "$tail")"
check "lambda invoke log tail" "received message: cli" "$(jp LogResult "$tail" | base64 -d 2>&1 | grep -o 'received message: cli' | head -1)"
bad=$(json lambda invoke --function-name sns_subscribe --payload "fileb://$tmp/empty.json" "$tmp/out.json")
check "lambda invoke function error" "200 Unhandled" "$(jp StatusCode "$bad") $(jp FunctionError "$bad")"
check "lambda function error payload" "event has no SNS message" "$(jp errorMessage "$(cat "$tmp/out.json")")"
check "lambda invoke Event" "202" "$(txt lambda invoke --function-name sns_subscribe --invocation-type Event --payload "fileb://$tmp/event.json" --query StatusCode "$tmp/out.json")"
check "lambda invoke DryRun" "204" "$(txt lambda invoke --function-name sns_subscribe --invocation-type DryRun --query StatusCode "$tmp/out.json")"
check "lambda invoke missing function" "ResourceNotFoundException" "$(code lambda invoke --function-name nope "$tmp/out.json")"
check "lambda list-event-source-mappings" "1" "$(txt lambda list-event-source-mappings --function-name sqs_subscribe --query 'length(EventSourceMappings)')"
src=$(txt sqs create-queue --queue-name cli-lambda-source --query QueueUrl)
src_arn="arn:aws:sqs:us-east-1:$acct:cli-lambda-source"
esm=$(json lambda create-event-source-mapping --function-name sqs_subscribe --event-source-arn "$src_arn" --batch-size 5)
check "lambda create-event-source-mapping" "5 $src_arn" "$(jp 'join(`" "`, [to_string(BatchSize), EventSourceArn])' "$esm")"
check "lambda list-event-source-mappings after create" "2 $src_arn" "$(txt lambda list-event-source-mappings --function-name sqs_subscribe \
  --query "[length(EventSourceMappings), EventSourceMappings[?UUID=='$(jp UUID "$esm")'].EventSourceArn | [0]]")"
run "lambda mapping source send" sqs send-message --queue-url "$src" --message-body "consumed by the mapping"
deadline=$((SECONDS + 20))
while :; do
  left=$(counters "$src")
  [ "$left" = "0 0" ] || [ $SECONDS -ge $deadline ] && break
  sleep 0.2
done
check "lambda mapping consumed the message" "0 0" "$left"

# ---------------------------------------------------------------- X-Ray
now=$(date +%s)
ok_id=$(trace_id 9a) fault_id=$(trace_id 9b)
doc() { printf '{"name":"cli-service","id":"%s","trace_id":"%s","start_time":%s,"end_time":%s.25,"http":{"request":{"method":"GET","url":"http://example/%s"},"response":{"status":%s}}%s}' "$@"; }
docs=$("$PY" -c 'import json, sys; print(json.dumps({"TraceSegmentDocuments": sys.argv[1:]}))' \
  "$(doc 0123456789abcdef "$ok_id" "$now" "$now" 200 200 ',"annotations":{"tier":"gold"}')" \
  "$(doc fedcba9876543210 "$fault_id" "$now" "$now" 500 500 ',"fault":true')" '{not json')
check "xray put-trace-segments (one rejected)" "1" "$(txt xray put-trace-segments --cli-input-json "$docs" --query 'length(UnprocessedTraceSegments)')"
window=(--start-time $((now - 60)) --end-time $((now + 60)))
deadline=$((SECONDS + 15))
while :; do
  both=$(txt xray get-trace-summaries "${window[@]}" --query "length(TraceSummaries[?Id=='$ok_id' || Id=='$fault_id'])")
  [ "$both" = "2" ] || [ $SECONDS -ge $deadline ] && break
  sleep 0.2
done
check "xray get-trace-summaries" "2" "$both"
check "xray get-trace-summaries filter service { fault }" "$fault_id True 500" "$(txt xray get-trace-summaries "${window[@]}" \
  --filter-expression 'service("cli-service") { fault }' --query "[join(' ', TraceSummaries[].Id), TraceSummaries[0].HasFault, TraceSummaries[0].Http.HttpStatus]")"
check "xray get-trace-summaries filter annotation" "$ok_id" "$(txt xray get-trace-summaries "${window[@]}" --filter-expression 'annotation.tier = "gold"' --query "join(' ', TraceSummaries[].Id)")"
traces=$(json xray batch-get-traces --trace-ids "$ok_id" "$fault_id")
check "xray batch-get-traces" "$(printf '%s\n' "$ok_id" "$fault_id" | sort | tr '\n' ' ' | sed 's/ $//')" "$(jp "join(' ', sort(Traces[].Id))" "$traces")"
check "xray batch-get-traces document" "cli-service gold" "$(jp 'join(`" "`, [name, annotations.tier])' "$(jp "Traces[?Id=='$ok_id'].Segments[0].Document | [0]" "$traces")")"
check "xray get-service-graph" "1" "$(txt xray get-service-graph "${window[@]}" --query "length(Services[?Name=='cli-service' && Type=='client'])")"
check "xray get-service-graph of the pattern" "xrayTracerAPI/prod" "$(txt xray get-service-graph --start-time $((now - 600)) --end-time $((now + 60)) --query 'Services[?Type==`AWS::ApiGateway::Stage`].Name')"
check "xray get-trace-graph" "cli-service cli-service" "$(txt xray get-trace-graph --trace-ids "$fault_id" --query "join(' ', sort(Services[].Name))")"
check "xray get-trace-summaries bad window" "InvalidRequestException" "$(code xray get-trace-summaries --start-time "$now" --end-time $((now - 10)))"

group_arn=$(txt xray create-group --group-name cli-errors --filter-expression fault --query Group.GroupARN)
check "xray create-group" "arn:aws:xray:us-east-1:$acct:group/cli-errors/" "$(grep -o '^arn:aws:xray:us-east-1:[0-9]*:group/cli-errors/' <<<"$group_arn")"
check "xray get-group by arn" "cli-errors fault" "$(txt xray get-group --group-arn "$group_arn" --query '[Group.GroupName, Group.FilterExpression]')"
check "xray update-group" "error OR fault" "$(txt xray update-group --group-name cli-errors --filter-expression 'error OR fault' --query Group.FilterExpression)"
check "xray get-groups" "Default cli-errors" "$(txt xray get-groups --query "join(' ', sort(Groups[].GroupName))")"
run "xray delete-group" xray delete-group --group-name cli-errors
check "xray get-group deleted" "InvalidRequestException" "$(code xray get-group --group-name cli-errors)"
check "xray get-sampling-rules" "Default 1.0" "$(txt xray get-sampling-rules --query 'SamplingRuleRecords[-1].SamplingRule.[RuleName, FixedRate]')"
run "xray create-sampling-rule" xray create-sampling-rule --sampling-rule RuleName=cli-api,ResourceARN='*',Priority=1,FixedRate=0.25,ReservoirSize=3,ServiceName='*',ServiceType='*',Host='*',HTTPMethod='*',URLPath='/api/*',Version=1
stamp=$(date -u +%Y-%m-%dT%H:%M:%SZ)
check "xray get-sampling-targets" "0.25 3 1.0 0" "$(txt xray get-sampling-targets --sampling-statistics-documents \
  "[{\"RuleName\":\"cli-api\",\"ClientID\":\"0123456789abcdef01234567\",\"Timestamp\":\"$stamp\",\"RequestCount\":5,\"SampledCount\":2},
    {\"RuleName\":\"Default\",\"ClientID\":\"0123456789abcdef01234567\",\"Timestamp\":\"$stamp\",\"RequestCount\":1,\"SampledCount\":1}]" \
  --query "[SamplingTargetDocuments[?RuleName=='cli-api'].FixedRate | [0], SamplingTargetDocuments[?RuleName=='cli-api'].ReservoirQuota | [0], SamplingTargetDocuments[?RuleName=='Default'].FixedRate | [0], length(UnprocessedStatistics)]")"
run "xray delete-sampling-rule" xray delete-sampling-rule --rule-name cli-api

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
