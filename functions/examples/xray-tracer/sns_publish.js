// Publishes "Simulated Message" to the second topic.
const AWSXRay = require('aws-xray-sdk');
const AWS = AWSXRay.captureAWS(require('aws-sdk'));
const sns = new AWS.SNS();

exports.handler = async function () {
  return AWSXRay.captureAsyncFunc('SNS Publish Logic', async (subsegment) => {
    try {
      await sns.publish({ TopicArn: process.env.TOPIC_ARN, Message: 'Simulated Message' }).promise();
      return { statusCode: 200 };
    } finally {
      subsegment.close();
    }
  });
};
