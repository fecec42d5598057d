// Logs each message the queue's event source mapping hands over.
const AWSXRay = require('aws-xray-sdk');

exports.handler = async function (event) {
  for (const record of event.Records) {
    AWSXRay.captureFunc('Logging SQS Message', (subsegment) => {
      subsegment.addMetadata('message', record.body);
      console.log('message received:', record.body);
      subsegment.close();
    });
  }
  return { statusCode: 200 };
};
