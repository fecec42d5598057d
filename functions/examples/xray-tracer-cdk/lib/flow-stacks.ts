import { CfnParameter, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { patternFunction } from './handlers';

// Each flow subscribes to the pattern's topic, which another stack owns: its ARN crosses stacks
// as an export and Fn::ImportValue.
export interface FlowProps extends StackProps {
  snsTopicArn: string;
}

function patternTopic(scope: Construct, arn: string): sns.ITopic {
  return sns.Topic.fromTopicArn(scope, 'TheXrayTracerTopic', arn);
}

export class TheHttpFlowStack extends Stack {
  constructor(scope: Construct, id: string, props: FlowProps) {
    super(scope, id, props);
    const target = new CfnParameter(this, 'TargetUrl', { default: 'https://jsonplaceholder.typicode.com/todos/1' });
    const failureRate = new CfnParameter(this, 'SslFailureRate', { default: '0.4' });
    const fn = patternFunction(this, 'httpLambdaHandler', 'http',
                               { TARGET_URL: target.valueAsString, SSL_FAILURE_RATE: failureRate.valueAsString }, Duration.seconds(5));
    patternTopic(this, props.snsTopicArn).addSubscription(new subscriptions.LambdaSubscription(fn));
  }
}

export class TheDynamoFlowStack extends Stack {
  constructor(scope: Construct, id: string, props: FlowProps) {
    super(scope, id, props);
    const table = new dynamodb.Table(this, 'Hits', {
      tableName: 'hits',
      partitionKey: { name: 'path', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    });
    const fn = patternFunction(this, 'DynamoLambdaHandler', 'dynamo', { TABLE_NAME: table.tableName });
    table.grantReadWriteData(fn);
    patternTopic(this, props.snsTopicArn).addSubscription(new subscriptions.LambdaSubscription(fn));
  }
}

export class TheSnsFlowStack extends Stack {
  constructor(scope: Construct, id: string, props: FlowProps) {
    super(scope, id, props);
    const flowTopic = new sns.Topic(this, 'TheXRaySnsFlowTopic', { topicName: 'snsFlowTopic' });
    const publisher = patternFunction(this, 'snsPublisherLambda', 'sns_publish', { TOPIC_ARN: flowTopic.topicArn });
    flowTopic.grantPublish(publisher);
    patternTopic(this, props.snsTopicArn).addSubscription(new subscriptions.LambdaSubscription(publisher));
    const subscriber = patternFunction(this, 'snsSubscriberLambda', 'sns_subscribe');
    flowTopic.addSubscription(new subscriptions.LambdaSubscription(subscriber));
  }
}

export class TheSqsFlowStack extends Stack {
  constructor(scope: Construct, id: string, props: FlowProps) {
    super(scope, id, props);
    const queue = new sqs.Queue(this, 'RDSPublishQueue', { queueName: 'sqsFlowQueue', visibilityTimeout: Duration.seconds(30) });
    const sender = patternFunction(this, 'sqsLambdaHandler', 'sqs', { QUEUE_URL: queue.queueUrl });
    queue.grantSendMessages(sender);
    patternTopic(this, props.snsTopicArn).addSubscription(new subscriptions.LambdaSubscription(sender));
    const consumer = patternFunction(this, 'sqsSubscribeLambdaHandler', 'sqs_subscribe');
    consumer.addEventSource(new SqsEventSource(queue, { batchSize: 10 }));
  }
}
