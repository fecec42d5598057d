// GETs a JSON endpoint inside the custom subsegment "external HTTP Request"; fails with
// "SSL Cert Exception" at SSL_FAILURE_RATE, as the pattern's deliberate error.
const AWSXRay = require('aws-xray-sdk');
const http = AWSXRay.captureHTTPs(require('http'));

function get(url) {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => {
        try { resolve(JSON.parse(body)); } catch { resolve(body); }
      });
    }).on('error', reject);
  });
}

exports.handler = async function (event) {
  return AWSXRay.captureAsyncFunc('external HTTP Request', async (subsegment) => {
    try {
      if (Math.random() < Number(process.env.SSL_FAILURE_RATE || 0)) throw new Error('SSL Cert Exception');
      const response = await get(process.env.TARGET_URL);
      subsegment.addMetadata('response', response);
      return { statusCode: 200, body: JSON.stringify(response) };
    } catch (err) {
      subsegment.addError(err);
      throw err;
    } finally {
      subsegment.close();
    }
  });
};
