// Counts hits per path in the table: the path is the SNS message.
const AWSXRay = require('aws-xray-sdk');
const AWS = AWSXRay.captureAWS(require('aws-sdk'));
const dynamo = new AWS.DynamoDB();

exports.handler = async function (event) {
  const path = event.Records[0].Sns.Message;
  return AWSXRay.captureAsyncFunc('DynamoDB Query', async (subsegment) => {
    subsegment.addAnnotation('path', path);
    subsegment.addMetadata('event', event);
    try {
      await dynamo.updateItem({
        TableName: process.env.TABLE_NAME,
        Key: { path: { S: path } },
        UpdateExpression: 'ADD hits :incr',
        ExpressionAttributeValues: { ':incr': { N: '1' } },
      }).promise();
      return { statusCode: 200 };
    } finally {
      subsegment.close();
    }
  });
};
