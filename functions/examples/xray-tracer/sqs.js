// Sends "hello from <path>" to the queue, delayed a second.
const AWSXRay = require('aws-xray-sdk');
const AWS = AWSXRay.captureAWS(require('aws-sdk'));
const sqs = new AWS.SQS({ apiVersion: '2012-11-05' });

exports.handler = async function (event) {
  const path = event.Records[0].Sns.Message;
  return AWSXRay.captureAsyncFunc('SQS Logic', async (subsegment) => {
    try {
      await sqs.sendMessage({ QueueUrl: process.env.QUEUE_URL, MessageBody: `hello from ${path}`, DelaySeconds: 1 }).promise();
      return { statusCode: 200 };
    } finally {
      subsegment.close();
    }
  });
};
