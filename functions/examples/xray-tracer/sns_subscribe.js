// Logs the second topic's message, annotated so that filter expressions find it.
const AWSXRay = require('aws-xray-sdk');

exports.handler = async function (event) {
  const message = event.Records[0].Sns.Message;
  AWSXRay.captureFunc('process_message', (subsegment) => {
    subsegment.addAnnotation('message_content', message);
    console.log('message received:', message);
    subsegment.close();
  });
  return { statusCode: 200 };
};
