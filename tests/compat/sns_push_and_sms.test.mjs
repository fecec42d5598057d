// Mobile push and the SMS sandbox through the SDK for JavaScript v3: platform applications and
// endpoints, a publish to an endpoint and through a topic, each recorded at /_localray/sns/deliveries
// with the message of the endpoint's platform; a sandbox number verified with the password texted to
// it; data protection policies kept per topic.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as sns from "@aws-sdk/client-sns";
import { startLocalray, v3Options, eventually } from "./lib/localray.mjs";

let lr;
before(async () => {
  lr = await startLocalray();
});
after(async () => {
  await lr?.stop();
});

const client = () => new sns.SNSClient(v3Options(lr.endpoint));

test("mobile push: platform applications and endpoints, a publish to an endpoint and through a topic, recorded per platform", async () => {
  const c = client();
  const deliveries = async (arn) => (await (await fetch(`${lr.endpoint}/_localray/sns/deliveries?endpoint=${encodeURIComponent(arn)}`)).json()).deliveries;
  const { PlatformApplicationArn } = await c.send(new sns.CreatePlatformApplicationCommand({
    Name: "js-apns", Platform: "APNS_SANDBOX", Attributes: { PlatformPrincipal: "key-id", PlatformCredential: "p8-key", ApplePlatformTeamID: "TEAM" },
  }));
  assert.equal(PlatformApplicationArn, "arn:aws:sns:us-east-1:000000000000:app/APNS_SANDBOX/js-apns");
  const { Attributes } = await c.send(new sns.GetPlatformApplicationAttributesCommand({ PlatformApplicationArn }));
  assert.deepEqual(Attributes, { Enabled: "true", ApplePlatformTeamID: "TEAM" }, "credentials are never answered");
  await assert.rejects(c.send(new sns.GetPlatformApplicationAttributesCommand({ PlatformApplicationArn: "invalid-arn" })),
                       (e) => e.name === "InvalidParameterException" &&
                              e.message === "Invalid parameter: PlatformApplicationArn Reason: An ARN must have at least 6 elements, not 1");
  const { EndpointArn } = await c.send(new sns.CreatePlatformEndpointCommand({ PlatformApplicationArn, Token: "device-token-1" }));
  const listed = await c.send(new sns.ListEndpointsByPlatformApplicationCommand({ PlatformApplicationArn }));
  assert.deepEqual(listed.Endpoints, [{ EndpointArn, Attributes: { Enabled: "true", Token: "device-token-1" } }]);
  await assert.rejects(c.send(new sns.SetEndpointAttributesCommand({ EndpointArn, Attributes: { PlatformPrincipal: "x" } })),
                       (e) => e.message === "Invalid parameter: Attributes Reason: Invalid attribute name: PlatformPrincipal");

  const Message = JSON.stringify({ default: "plain", APNS_SANDBOX: JSON.stringify({ aps: { alert: "ring" } }) });
  const direct = await c.send(new sns.PublishCommand({ TargetArn: EndpointArn, MessageStructure: "json", Message }));
  const { TopicArn } = await c.send(new sns.CreateTopicCommand({ Name: "js-pushes" }));
  const { SubscriptionArn } = await c.send(new sns.SubscribeCommand({ TopicArn, Protocol: "application", Endpoint: EndpointArn }));
  const viaTopic = await c.send(new sns.PublishCommand({ TopicArn, MessageStructure: "json", Message }));
  const both = await eventually(async () => {
    const d = await deliveries(EndpointArn);
    return d.length === 2 ? d : null;
  });
  assert.ok(both, "both publishes were recorded for the endpoint");
  assert.deepEqual(both.map((d) => [d.message_id, d.subscription_arn, d.platform, d.message]).sort(),
                   [[direct.MessageId, null, "APNS_SANDBOX", '{"aps":{"alert":"ring"}}'],
                    [viaTopic.MessageId, SubscriptionArn, "APNS_SANDBOX", '{"aps":{"alert":"ring"}}']].sort());

  await c.send(new sns.SetEndpointAttributesCommand({ EndpointArn, Attributes: { Enabled: "false" } }));
  await assert.rejects(c.send(new sns.PublishCommand({ TargetArn: EndpointArn, Message: "x" })),
                       (e) => e.name === "EndpointDisabledException" && e.message === "Endpoint is disabled");
  await c.send(new sns.DeleteEndpointCommand({ EndpointArn }));
  await assert.rejects(c.send(new sns.GetEndpointAttributesCommand({ EndpointArn })), (e) => e.name === "NotFoundException");
  await c.send(new sns.DeletePlatformApplicationCommand({ PlatformApplicationArn }));
  const apps = await c.send(new sns.ListPlatformApplicationsCommand({}));
  assert.ok(!(apps.PlatformApplications ?? []).some((a) => a.PlatformApplicationArn === PlatformApplicationArn));
});

test("the SMS sandbox verifies a number with the password texted to it; data protection policies are kept per topic", async () => {
  const c = client();
  assert.equal((await c.send(new sns.GetSMSSandboxAccountStatusCommand({}))).IsInSandbox, false);
  const PhoneNumber = "+15550177";
  await c.send(new sns.CreateSMSSandboxPhoneNumberCommand({ PhoneNumber, LanguageCode: "en-US" }));
  const texted = (await (await fetch(`${lr.endpoint}/_localray/sns/deliveries?endpoint=${encodeURIComponent(PhoneNumber)}`)).json()).deliveries;
  const password = texted[0].message.match(/(\d{6})$/)[1];
  await assert.rejects(c.send(new sns.VerifySMSSandboxPhoneNumberCommand({ PhoneNumber, OneTimePassword: password === "000000" ? "111111" : "000000" })),
                       (e) => e.name === "VerificationException");
  await c.send(new sns.VerifySMSSandboxPhoneNumberCommand({ PhoneNumber, OneTimePassword: password }));
  assert.deepEqual((await c.send(new sns.ListSMSSandboxPhoneNumbersCommand({}))).PhoneNumbers, [{ PhoneNumber, Status: "Verified" }]);
  await c.send(new sns.DeleteSMSSandboxPhoneNumberCommand({ PhoneNumber }));
  await assert.rejects(c.send(new sns.DeleteSMSSandboxPhoneNumberCommand({ PhoneNumber })), (e) => e.name === "ResourceNotFoundException");
  assert.deepEqual((await c.send(new sns.ListOriginationNumbersCommand({}))).PhoneNumbers ?? [], []);

  const { TopicArn } = await c.send(new sns.CreateTopicCommand({ Name: "guarded" }));
  const DataProtectionPolicy = JSON.stringify({ Name: "p", Version: "2021-06-01", Statement: [] });
  await c.send(new sns.PutDataProtectionPolicyCommand({ ResourceArn: TopicArn, DataProtectionPolicy }));
  assert.equal((await c.send(new sns.GetDataProtectionPolicyCommand({ ResourceArn: TopicArn }))).DataProtectionPolicy, DataProtectionPolicy);
});
