// The digests SQS returns, computed the way the AWS SDKs verify them, so tests assert exact values.
import { createHash } from "node:crypto";

export const md5 = (s) => createHash("md5").update(s).digest("hex");

// MD5OfMessageAttributes / MD5OfMessageSystemAttributes: for each attribute in name order,
// length-prefixed name and data type, a transport byte (1 string, 2 binary), length-prefixed value.
export function md5OfAttributes(attributes) {
  const h = createHash("md5");
  const lp = (buf) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(buf.length);
    h.update(len);
    h.update(buf);
  };
  for (const name of Object.keys(attributes).sort()) {
    const a = attributes[name];
    lp(Buffer.from(name));
    lp(Buffer.from(a.DataType));
    if (a.StringValue !== undefined) {
      h.update(Buffer.from([1]));
      lp(Buffer.from(a.StringValue));
    } else {
      h.update(Buffer.from([2]));
      lp(Buffer.from(a.BinaryValue));
    }
  }
  return h.digest("hex");
}
