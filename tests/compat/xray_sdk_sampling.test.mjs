import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { XRayClient, CreateSamplingRuleCommand } from "@aws-sdk/client-xray";
import { startLocalray, v3Options, eventually } from "./lib/localray.mjs";

const require = createRequire(import.meta.url);

// Centralized sampling: the SDK polls localray's daemon port for rules, as it polls the X-Ray
// daemon, and decides by them. A file of its own: the SDK keeps its daemon address and sampler for
// the life of the process.
test("aws-xray-sdk-core samples by the rules it polls from localray", async () => {
  const lr = await startLocalray(["--seed", "4"]);
  try {
    const xray = new XRayClient(v3Options(lr.endpoint));
    const rule = (name, service, rate, reservoir) => ({ SamplingRule: {
      RuleName: name, ResourceARN: "*", Priority: 1, FixedRate: rate, ReservoirSize: reservoir, ServiceName: service,
      ServiceType: "*", Host: "*", HTTPMethod: "*", URLPath: "*", Version: 1 } });
    await xray.send(new CreateSamplingRuleCommand(rule("quiet", "quiet-svc", 0, 0)));
    await xray.send(new CreateSamplingRuleCommand(rule("loud", "loud-svc", 1, 0)));

    const AWSXRay = require("aws-xray-sdk-core");
    AWSXRay.setDaemonAddress(`127.0.0.1:${lr.udpPort}`);  // UDP for segments, TCP for rules and targets
    const sampler = AWSXRay.middleware.sampler;
    const request = (service) => ({ host: "localhost", httpMethod: "GET", urlPath: "/", serviceName: service });
    // Until the first poll answers, the SDK falls back to its local rules (true/false); after it,
    // a centralized rule decides and names itself.
    const loud = await eventually(async () => sampler.shouldSample(request("loud-svc")) === "loud");
    assert.ok(loud, "the SDK decided by localray's rule");
    const quiet = Array.from({ length: 20 }, () => sampler.shouldSample(request("quiet-svc")));
    assert.deepEqual(new Set(quiet), new Set([false]), "a rate of 0 and no reservoir samples nothing");
  } finally {
    await lr.stop();
  }
});

