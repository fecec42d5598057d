import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

// The pattern's front door: every request to the API is published to the topic, its path as the
// message and the body's "status" as an attribute, by API Gateway itself (an AWS integration with
// a Velocity request template, no function in between).
export class TheXrayTracerStack extends Stack {
  public readonly snsTopicArn: string;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const topic = new sns.Topic(this, 'TheXRayTracerSnsTopic', { topicName: 'xrayTracerTopic', displayName: 'The XRay Tracer CDK Pattern Topic' });
    this.snsTopicArn = topic.topicArn;

    const api = new apigw.RestApi(this, 'xrayTracerAPI', {
      restApiName: 'xrayTracerAPI',
      deployOptions: { stageName: 'prod', tracingEnabled: true, metricsEnabled: true },
    });
    const role = new iam.Role(this, 'ApiGatewaySnsRole', { assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com') });
    topic.grantPublish(role);

    const requestTemplate = [
      'Action=Publish',
      `TargetArn=$util.urlEncode('${topic.topicArn}')`,
      'Message=$util.urlEncode($context.path)',
      'Version=2010-03-31',
      'MessageAttributes.entry.1.Name=status',
      'MessageAttributes.entry.1.Value.DataType=String',
      "MessageAttributes.entry.1.Value.StringValue=$util.urlEncode($input.path('$.status'))",
    ].join('&');
    const integration = new apigw.AwsIntegration({
      service: 'sns',
      path: '/',
      integrationHttpMethod: 'POST',
      options: {
        credentialsRole: role,
        requestParameters: { 'integration.request.header.Content-Type': "'application/x-www-form-urlencoded'" },
        requestTemplates: { 'application/json': requestTemplate },
        passthroughBehavior: apigw.PassthroughBehavior.NEVER,
        integrationResponses: [
          { statusCode: '200', responseTemplates: { 'application/json': JSON.stringify({ message: 'message added to topic' }) } },
          {
            selectionPattern: '^\\[Error\\].*',
            statusCode: '400',
            responseTemplates: { 'application/json': JSON.stringify({ state: 'error', message: "$util.escapeJavaScript($input.path('$.errorMessage'))" }) },
            responseParameters: { 'method.response.header.Content-Type': "'application/json'" },
          },
        ],
      },
    });
    const methodOptions = {
      methodResponses: [
        { statusCode: '200' },
        { statusCode: '400', responseParameters: { 'method.response.header.Content-Type': true } },
      ],
    };
    api.root.addMethod('ANY', integration, methodOptions);
    api.root.addResource('{proxy+}').addMethod('ANY', integration, methodOptions);

    new CfnOutput(this, 'TopicArn', { value: topic.topicArn });
  }
}
