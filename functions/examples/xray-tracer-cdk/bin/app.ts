#!/usr/bin/env node
// The X-Ray Tracer pattern as the seed splits it: the API and its topic in one stack, each flow in
// its own, depending on the first.
import { App } from 'aws-cdk-lib';
import { TheXrayTracerStack } from '../lib/xray-tracer-stack';
import { TheDynamoFlowStack, TheHttpFlowStack, TheSnsFlowStack, TheSqsFlowStack } from '../lib/flow-stacks';

const app = new App();
const xrayTracer = new TheXrayTracerStack(app, 'the-xray-tracer');
const props = { snsTopicArn: xrayTracer.snsTopicArn };
for (const flow of [
  new TheHttpFlowStack(app, 'the-http-flow-stack', props),
  new TheDynamoFlowStack(app, 'the-dynamo-flow-stack', props),
  new TheSnsFlowStack(app, 'the-sns-flow-stack', props),
  new TheSqsFlowStack(app, 'the-sqs-flow-stack', props),
]) {
  flow.addDependency(xrayTracer);
}
app.synth();
