import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

// The pattern's handlers (../xray-tracer): aws-sdk v2 captured by aws-xray-sdk. The Node.js 12
// runtime provides aws-sdk v2, so the asset leaves it out, as a deployed package would.
const HANDLERS = path.resolve(__dirname, '..', '..', '..', 'xray-tracer');

export function patternFunction(scope: Construct, id: string, name: string, environment: Record<string, string> = {},
                                timeout = Duration.seconds(3)): lambda.Function {
  return new lambda.Function(scope, id, {
    functionName: name,
    runtime: lambda.Runtime.NODEJS_12_X,
    handler: `${name}.handler`,
    code: lambda.Code.fromAsset(HANDLERS, { exclude: ['node_modules/aws-sdk'] }),
    tracing: lambda.Tracing.ACTIVE,
    timeout,
    environment,
  });
}
