"""What tests/bench/suite.py runs and talks to: localray, the ceiling server and dynalite as child
processes, wrk with tests/bench/bench.lua, and the AWS wire calls that set resources up."""
import http.client
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
LUA = os.path.join(HERE, "bench.lua")


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


# Processes


class Localray:
    def __init__(self, binary, extra=(), log_level="info"):
        self.dir = tempfile.mkdtemp(prefix="localray-bench-")
        self.log_path = os.path.join(self.dir, "localray.log")
        self.log_file = open(self.log_path, "w")
        cmd = [binary, "--port", "0", "--xray-udp-port", "0", "--otlp-port", "0", "--db", os.path.join(self.dir, "traces.db"),
               "--ssl-failure-rate", "0", "--seed", "7", "--log-level", log_level, *extra]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.log_file, text=True)
        self.ready = None
        for line in self.proc.stdout:
            if line.startswith("LOCALRAY_READY "):
                self.ready = json.loads(line[len("LOCALRAY_READY "):])
                break
        if not self.ready:
            raise RuntimeError("localray did not start; see " + self.log_path)
        self.port = self.ready["port"]
        self.udp_port = self.ready["xray_udp_port"]
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def invoke_path(self):
        url = self.ready["apis"][0]["invoke_url"]
        return urllib.parse.urlparse(url).path

    def request(self, method, path, body=b"", headers=None):
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                r = self.conn.getresponse()
                return r.status, r.read(), r
            except (http.client.HTTPException, OSError):
                if attempt:
                    raise
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def metric(self, name):
        _, text, _ = self.request("GET", "/_localray/metrics")
        total = 0.0
        for line in text.decode().splitlines():
            if line.startswith(name) and len(line) > len(name) and line[len(name)] in " {":
                total += float(line.rsplit(" ", 1)[1])
        return total

    def rss(self):
        return rss_mib(self.proc.pid)

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log_file.close()
        subprocess.run(["rm", "-rf", self.dir])


class Hello:
    def __init__(self, binary):
        self.proc = subprocess.Popen([binary], stdout=subprocess.PIPE, text=True)
        self.port = int(self.proc.stdout.readline().split()[1])

    def stop(self):
        self.proc.kill()
        self.proc.wait()


class Dynalite:
    def __init__(self, cli):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        self.proc = subprocess.Popen(["node", cli, "--port", str(self.port), "--createTableMs", "0", "--deleteTableMs", "0",
                                      "--updateTableMs", "0"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            raise RuntimeError("dynalite did not start")
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def request(self, method, path, body=b"", headers=None):
        self.conn.request(method, path, body=body, headers=headers or {})
        r = self.conn.getresponse()
        return r.status, r.read(), r

    def stop(self):
        self.proc.kill()
        self.proc.wait()


# Load


def run_wrk(port, path, method, body, headers, templated, connections, seconds, delay_ms=None, roots=None):
    """One wrk run with tests/bench/bench.lua; its BENCH_RESULT line, with rate and failures added."""
    env = dict(os.environ, BENCH_METHOD=method, BENCH_BODY=body, BENCH_TEMPLATED="1" if templated else "0")
    if delay_ms is not None:
        env["BENCH_DELAY_MS"] = str(delay_ms)
    if roots:
        env["BENCH_ROOTS"] = roots
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s", "-s", LUA]
    for k, v in (headers or {}).items():
        cmd += ["-H", f"{k}: {v}"]
    cmd.append(f"http://127.0.0.1:{port}{path}")
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=seconds + 60)
    for line in out.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            r = json.loads(line[len("BENCH_RESULT "):])
            r["rate"] = r["requests"] / (r["duration_us"] / 1e6) if r["duration_us"] else 0.0
            r["failed"] = r["connect_errors"] + r["read_errors"] + r["write_errors"] + r["status_errors"] + r["timeouts"] + r["non200"]
            return r
    raise RuntimeError("wrk gave no result: " + out.stdout[-500:] + out.stderr[-500:])


def aws_json(target, body, version="1.0"):
    # Signed as an SDK signs (dynalite refuses an unsigned request; neither checks the signature).
    service = "dynamodb" if target.startswith("DynamoDB") else "sqs"
    day = time.strftime("%Y%m%d", time.gmtime())
    headers = {"X-Amz-Target": target, "Content-Type": f"application/x-amz-json-{version}", "X-Amz-Date": day + "T000000Z",
               "Authorization": f"AWS4-HMAC-SHA256 Credential=AKIDBENCH/{day}/us-east-1/{service}/aws4_request, "
                                "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + "0" * 64}
    return headers, json.dumps(body)


def call(server, target, body):
    headers, payload = aws_json(target, body)
    status, data, _ = server.request("POST", "/", payload.encode(), headers)
    if status != 200:
        raise RuntimeError(f"{target}: {status} {data[:300]!r}")
    return json.loads(data or b"{}")


def form(server, params):
    status, data, _ = server.request("POST", "/", urllib.parse.urlencode(params).encode(),
                                     {"Content-Type": "application/x-www-form-urlencoded"})
    if status != 200:
        raise RuntimeError(f"{params.get('Action')}: {status} {data[:300]!r}")
    return data.decode()


