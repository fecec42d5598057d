#!/usr/bin/env bash
# Debian's awscli against the CloudFormation API: `aws cloudformation deploy` of a SAM template (its
# change set, waiters and capability check), the stack's own API and queue driven with curl, an
# update, a deploy with nothing to change, a template that fails and rolls back, and delete-stack.
set -euo pipefail
BINARY=${LOCALRAY_BINARY:-$(dirname "$0")/../../build/localray}
AWS_CLI=${AWS_CLI:-/usr/bin/aws}
PY=/usr/bin/python3
source "$(dirname "$0")/lib/awscli.sh"
start_localray 5
deploy() {  # deploy FILE [ARGS...]: the CLI's exit status and its last line
  local file=$1; shift
  local o s=0
  o=$(aws cloudformation deploy --template-file "$file" --stack-name shop "$@" 2>&1) || s=$?
  printf '%s %s' "$s" "$(printf '%s' "$o" | grep -v '^$' | tail -1)"
}

mkdir -p "$tmp/app/src"
cat > "$tmp/app/src/api.js" <<'JS'
const { SQSClient, SendMessageCommand } = require('@aws-sdk/client-sqs');
const sqs = new SQSClient({});
exports.handler = async (event) => {
  await sqs.send(new SendMessageCommand({ QueueUrl: process.env.QUEUE_URL, MessageBody: event.body || '' }));
  return { statusCode: 201, body: JSON.stringify({ item: event.pathParameters.id, greeting: process.env.GREETING }) };
};
JS
write_template() {  # write_template GREETING
  cat > "$tmp/app/template.yaml" <<YAML
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Description: a shop
Parameters:
  Stage: { Type: String, Default: dev }
Resources:
  Orders: { Type: AWS::SQS::Queue }
  Api:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: $tmp/app/src
      Handler: api.handler
      Runtime: nodejs20.x
      Environment:
        Variables: { QUEUE_URL: !Ref Orders, GREETING: "$1", STAGE: !Ref Stage }
      Events:
        Put:
          Type: Api
          Properties:
            Path: /items/{id}
            Method: put
Outputs:
  Url:
    Value: !Sub "https://\${ServerlessRestApi}.execute-api.\${AWS::Region}.amazonaws.com/Prod/"
  QueueUrl:
    Value: !Ref Orders
    Export: { Name: shop-orders }
YAML
}

write_template hello
check "deploy without CAPABILITY_IAM is refused" "254 An error occurred (InsufficientCapabilitiesException) when calling the CreateChangeSet operation: Requires capabilities : [CAPABILITY_IAM]" \
  "$(deploy "$tmp/app/template.yaml")"
check "deploy creates the stack" "0 Successfully created/updated stack - shop" \
  "$(deploy "$tmp/app/template.yaml" --capabilities CAPABILITY_IAM --parameter-overrides Stage=test)"
stack=$(json cloudformation describe-stacks --stack-name shop)
check "stack status" "CREATE_COMPLETE" "$(jp 'Stacks[0].StackStatus' "$stack")"
check "stack parameters" '[["Stage","test"]]' "$(jp 'Stacks[0].Parameters[].[ParameterKey,ParameterValue]' "$stack")"
url=$(jp "Stacks[0].Outputs[?OutputKey=='Url'].OutputValue | [0]" "$stack")
queue=$(jp "Stacks[0].Outputs[?OutputKey=='QueueUrl'].OutputValue | [0]" "$stack")
api=$(printf '%s' "$url" | sed -n 's|https://\([a-z0-9]*\)\..*|\1|p')
check "the Url output names the API" 10 "${#api}"
check "the API answers through the function" '201 {"item":"7","greeting":"hello"}' \
  "$(curl -s -o "$tmp/body" -w '%{http_code}' -X PUT -d 'seven' "$endpoint/restapis/$api/Prod/_user_request_/items/7") $(cat "$tmp/body")"
check "the function sent to the stack's queue" "seven" "$(txt sqs receive-message --queue-url "$queue" --wait-time-seconds 5 --query 'Messages[0].Body')"
check "resources" "AWS::ApiGateway::Deployment AWS::ApiGateway::RestApi AWS::ApiGateway::Stage AWS::IAM::Role AWS::Lambda::Function AWS::Lambda::Permission AWS::SQS::Queue" \
  "$(txt cloudformation describe-stack-resources --stack-name shop --query 'StackResources[].ResourceType' | $PY -c 'import sys; print(" ".join(sorted(set(sys.stdin.read().split()))))')"
check "list-stack-resources names the queue" "$queue" "$(txt cloudformation list-stack-resources --stack-name shop --query "StackResourceSummaries[?LogicalResourceId=='Orders'].PhysicalResourceId | [0]")"
check "events, newest first" "shop CREATE_COMPLETE" "$(txt cloudformation describe-stack-events --stack-name shop --query 'StackEvents[0].[LogicalResourceId,ResourceStatus]')"
check "get-template returns the body" "AWS::Serverless-2016-10-31" "$(json cloudformation get-template --stack-name shop | $PY -c 'import json,sys; b=json.load(sys.stdin)["TemplateBody"]; print("AWS::Serverless-2016-10-31" if "AWS::Serverless-2016-10-31" in str(b) else b)')"
check "validate-template" "Stage dev CAPABILITY_IAM" "$(txt cloudformation validate-template --template-body "file://$tmp/app/template.yaml" --query '[Parameters[0].ParameterKey, Parameters[0].DefaultValue, Capabilities[0]]')"
check "list-exports" "shop-orders $queue" "$(txt cloudformation list-exports --query 'Exports[0].[Name,Value]')"

check "deploy with nothing to change" "0 No changes to deploy. Stack shop is up to date" \
  "$(deploy "$tmp/app/template.yaml" --capabilities CAPABILITY_IAM --parameter-overrides Stage=test)"
run "a message waits in the stack's queue" sqs send-message --queue-url "$queue" --message-body kept
write_template bonjour
check "deploy updates the stack" "0 Successfully created/updated stack - shop" "$(deploy "$tmp/app/template.yaml" --capabilities CAPABILITY_IAM)"
check "an update keeps unchanged parameters" "UPDATE_COMPLETE test" \
  "$(txt cloudformation describe-stacks --stack-name shop --query 'Stacks[0].[StackStatus, Parameters[0].ParameterValue]')"
check "the update kept the unchanged queue and its message" "kept" "$(txt sqs receive-message --queue-url "$queue" --wait-time-seconds 2 --query 'Messages[0].Body')"
check "the updated function answers" '201 {"item":"8","greeting":"bonjour"}' \
  "$(curl -s -o "$tmp/body" -w '%{http_code}' -X PUT -d 'eight' "$endpoint/restapis/$api/Prod/_user_request_/items/8") $(cat "$tmp/body")"

# A template that parses but cannot be built: the create fails and rolls back, nothing is left.
cat > "$tmp/bad.yaml" <<'YAML'
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties: { Runtime: nodejs20.x, Handler: index.handler, Code: ./does-not-exist }
YAML
bad=0
aws cloudformation deploy --template-file "$tmp/bad.yaml" --stack-name broken > "$tmp/bad.out" 2>&1 || bad=$?
check "a failing create fails the CLI's waiter" "255 Failed to create/update the stack." "$bad $(grep -o 'Failed to create/update the stack.' "$tmp/bad.out")"
check "the rolled-back stack's status" "ROLLBACK_COMPLETE" "$(txt cloudformation describe-stacks --stack-name broken --query 'Stacks[0].StackStatus')"
check "the rolled-back stack says why" "Resources.Fn.Properties.Code: no folder or .zip file" \
  "$(txt cloudformation describe-stacks --stack-name broken --query 'Stacks[0].StackStatusReason' | grep -o 'Resources.Fn.Properties.Code: no folder or .zip file')"
run "delete the rolled-back stack" cloudformation delete-stack --stack-name broken

run "delete-stack" cloudformation delete-stack --stack-name shop
run "wait stack-delete-complete" cloudformation wait stack-delete-complete --stack-name shop
check "the deleted stack is gone by name" "ValidationError" "$(code cloudformation describe-stacks --stack-name shop)"
check "list-stacks keeps it as DELETE_COMPLETE" "DELETE_COMPLETE" "$(txt cloudformation list-stacks --query "StackSummaries[?StackName=='shop'].StackStatus | [0]")"
check "its API is gone" "404" "$(curl -s -o /dev/null -w '%{http_code}' -X PUT "$endpoint/restapis/$api/Prod/_user_request_/items/9")"
check "its queue is gone" "AWS.SimpleQueueService.NonExistentQueue" "$(code sqs get-queue-attributes --queue-url "$queue")"
check "its export is gone" "0" "$(txt cloudformation list-exports --query 'length(Exports)')"
check "an unknown stack" "ValidationError" "$(code cloudformation describe-stacks --stack-name nope)"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
