#!/usr/bin/env python3
"""What loading an app from templates costs at start (run on purpose, not by ctest): start to
LOCALRAY_READY (the startup_ms it reports) for

  * the pattern as a CDK cloud assembly (functions/examples/xray-tracer-cdk, synthesized here
    with its pinned cdk CLI; five stacks, 48 resources),
  * the same pattern as a topology file (config/xray-tracer-nodejs.json): the reference, measured
    in the same run, same functions, so the difference is what compiling templates adds;
  * `aws cloudformation deploy` of a SAM template (Debian's awscli, wall time of the command),
    reference = `aws cloudformation list-stacks` against the same localray (the CLI's own start-up).

Usage: tests/bench/template_startup.py [path/to/localray] [samples]
Writes the table to stdout and as JSON to build/bench/template_startup.json.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BINARY = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "localray")
SAMPLES = int(sys.argv[2]) if len(sys.argv) > 2 else 15
CDK_APP = os.path.join(ROOT, "functions", "examples", "xray-tracer-cdk")
AWS = "/usr/bin/aws"


def start(args):
    """Starts localray, returns (process, the READY line's JSON)."""
    p = subprocess.Popen([BINARY, "--port", "0", "--xray-udp-port", "0", "--otlp-port", "0", "--db", ":memory:", "--log-level", "warn"] + args,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in p.stdout:
        if line.startswith("LOCALRAY_READY "):
            return p, json.loads(line[len("LOCALRAY_READY "):])
    raise RuntimeError("localray did not start: " + " ".join(args))


def stop(p):
    p.send_signal(2)
    p.wait(timeout=10)


def startup_ms(args):
    times = []
    for _ in range(SAMPLES):
        p, ready = start(args)
        times.append(ready["startup_ms"])
        stop(p)
    return statistics.median(times)


def synth(out):
    env = dict(os.environ, CDK_DISABLE_VERSION_CHECK="1", CDK_DISABLE_CLI_TELEMETRY="true")
    subprocess.run(["./node_modules/.bin/tsc"], cwd=CDK_APP, check=True)
    subprocess.run(["./node_modules/.bin/cdk", "synth", "--quiet", "--no-notices", "-o", out], cwd=CDK_APP, check=True, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def sam_template(folder):
    os.makedirs(os.path.join(folder, "src"))
    with open(os.path.join(folder, "src", "index.js"), "w") as f:
        f.write("exports.handler = async () => ({ statusCode: 200, body: 'ok' });\n")
    path = os.path.join(folder, "template.yaml")
    with open(path, "w") as f:
        f.write(f"""Transform: AWS::Serverless-2016-10-31
Resources:
  Queue: {{ Type: AWS::SQS::Queue }}
  Table: {{ Type: AWS::Serverless::SimpleTable }}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: {folder}/src
      Handler: index.handler
      Runtime: nodejs20.x
      Events:
        Get: {{ Type: Api, Properties: {{ Path: /, Method: get }} }}
""")
    return path


def timed(cmd, env):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - t) * 1000


def main():
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "cdk.out")
        synth(out)
        reference = startup_ms(["--config", os.path.join(ROOT, "config", "xray-tracer-nodejs.json")])
        cdk = startup_ms(["--cdk-out", out, "--parameter", "TargetUrl=http://127.0.0.1:1/", "--parameter", "SslFailureRate=0"])
        rows.append(("start to ready, the pattern from its CDK assembly (ms, median)", cdk, reference))

        template = sam_template(tmp)
        p, ready = start([])
        env = dict(os.environ, AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="x", AWS_DEFAULT_REGION="us-east-1", AWS_PAGER="")
        base = [AWS, "--endpoint-url", ready["edge_url"], "cloudformation"]
        deploys, lists = [], []
        for i in range(max(3, SAMPLES // 3)):
            lists.append(timed(base + ["list-stacks"], env))
            deploys.append(timed(base + ["deploy", "--template-file", template, "--stack-name", f"bench{i}", "--capabilities", "CAPABILITY_IAM"], env))
        stop(p)
        rows.append(("aws cloudformation deploy of a SAM template (ms, median)", statistics.median(deploys), statistics.median(lists)))

    print(f"{'measure':70} {'localray':>10} {'reference':>10} {'ratio':>7}")
    for name, value, ref in rows:
        print(f"{name:70} {value:10.1f} {ref:10.1f} {value / ref:7.2f}")
    os.makedirs(os.path.join(ROOT, "build", "bench"), exist_ok=True)
    with open(os.path.join(ROOT, "build", "bench", "template_startup.json"), "w") as f:
        json.dump([{"measure": n, "localray": v, "reference": r, "ratio": v / r} for n, v, r in rows], f, indent=2)


if __name__ == "__main__":
    main()
