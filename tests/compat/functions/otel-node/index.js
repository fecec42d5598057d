// A Lambda handler instrumented with the OpenTelemetry SDK alone (no X-Ray SDK), set up the way
// ADOT's Lambda layer sets it up: the X-Ray id generator and propagator, spans exported over
// OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT, the service named by OTEL_SERVICE_NAME and
// OTEL_RESOURCE_ATTRIBUTES. Its modules resolve from tests/compat/node_modules.
const { trace, context, propagation } = require("@opentelemetry/api");
const { NodeTracerProvider } = require("@opentelemetry/sdk-trace-node");
const { SimpleSpanProcessor } = require("@opentelemetry/sdk-trace-base");
const { OTLPTraceExporter } = require("@opentelemetry/exporter-trace-otlp-http");
const { AWSXRayIdGenerator } = require("@opentelemetry/id-generator-aws-xray");
const { AWSXRayPropagator } = require("@opentelemetry/propagator-aws-xray");
const { defaultResource, detectResources, envDetector } = require("@opentelemetry/resources");

const provider = new NodeTracerProvider({
  idGenerator: new AWSXRayIdGenerator(),
  resource: defaultResource().merge(detectResources({ detectors: [envDetector] })),
  spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter())],
});
provider.register({ propagator: new AWSXRayPropagator() });
const tracer = trace.getTracer("orders-handler", "1.0.0");

exports.handler = async (event) => {
  if (process.env.OTEL_PROPAGATORS !== "xray") throw new Error(`OTEL_PROPAGATORS is ${process.env.OTEL_PROPAGATORS}`);
  if (!process.env.OTEL_EXPORTER_OTLP_ENDPOINT) throw new Error("no OTEL_EXPORTER_OTLP_ENDPOINT");
  // Lambda hands the run's trace header in _X_AMZN_TRACE_ID; its Parent is the Invocation subsegment.
  const parent = propagation.extract(context.active(), { "x-amzn-trace-id": process.env._X_AMZN_TRACE_ID });
  const message = event.Records?.[0]?.Sns?.Message ?? "";
  await context.with(parent, () =>
    tracer.startActiveSpan("process order", { attributes: { "order.path": message, "aws.xray.annotations": ["order.path"] } }, async (span) => {
      const check = tracer.startSpan("validate");
      check.setAttribute("valid", true);
      check.end();
      span.end();
    }),
  );
  await provider.forceFlush();
  return { ok: true };
};
