"""localray's runtime for Python functions.

Loads the handler named by _HANDLER the way AWS's runtime interface client does and serves
invocations from the Runtime API at AWS_LAMBDA_RUNTIME_API until localray stops the process.
Written for localray: AWS's client is on PyPI only.
"""
import http.client
import importlib
import importlib.util
import json
import logging
import os
import sys
import time
import traceback

API = os.environ["AWS_LAMBDA_RUNTIME_API"]
ROUTE = "/2018-06-01/runtime/"
_request_id = None


class _Api:
    def __init__(self):
        host, port = API.rsplit(":", 1)
        self.conn = http.client.HTTPConnection(host, int(port))

    def call(self, method, route, body=None, headers=None):
        for attempt in (0, 1):
            try:
                self.conn.request(method, ROUTE + route, body=body, headers=headers or {})
                res = self.conn.getresponse()
                return res.status, res, res.read()
            except (http.client.HTTPException, ConnectionError):
                # A keep-alive connection the server closed: once more on a new one.
                self.conn.close()
                if attempt:
                    raise


class _EndpointHook:
    """Gives botocore older than 1.31 (Debian's boto3 1.26 among them) what newer versions do by
    themselves: clients pointed at AWS_ENDPOINT_URL (localray) unless the code names an endpoint
    of its own, and inside Lambda the run's trace header on every call (recursion detection),
    which lets localray put the call into the run's trace. A meta path finder by protocol (no
    importlib.abc, which costs milliseconds of every cold start)."""

    def find_spec(self, name, path, target=None):
        if name != "botocore.session":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module

        def exec_and_patch(module):
            exec_module(module)
            _patch_session(module)

        spec.loader.exec_module = exec_and_patch
        return spec


def _patch_session(module):
    # Imported here, not at start: only functions that use botocore pay for them.
    import inspect

    import botocore

    try:
        version = tuple(int(p) for p in botocore.__version__.split(".")[:2])
    except ValueError:
        version = (0, 0)
    if version >= (1, 31):
        return
    create = module.Session.create_client
    signature = inspect.signature(create)

    def create_client(self, *args, **kwargs):
        bound = signature.bind(self, *args, **kwargs)
        if bound.arguments.get("endpoint_url") is None:
            service = str(bound.arguments.get("service_name", "")).upper().replace("-", "_")
            url = os.environ.get("AWS_ENDPOINT_URL_" + service) or os.environ.get("AWS_ENDPOINT_URL")
            if url:
                bound.arguments["endpoint_url"] = url
        client = create(*bound.args, **bound.kwargs)
        client.meta.events.register("before-call", _add_trace_header)
        return client

    module.Session.create_client = create_client


def _add_trace_header(params, **kwargs):
    trace = os.environ.get("_X_AMZN_TRACE_ID")
    headers = params.setdefault("headers", {})
    if trace and "X-Amzn-Trace-Id" not in headers:
        headers["X-Amzn-Trace-Id"] = trace


class _Fault(Exception):
    def __init__(self, error_type, message, trace=None):
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace or []


def _error_document(error_type, message, trace):
    doc = {"errorMessage": message, "errorType": error_type, "stackTrace": trace}
    if _request_id:
        doc["requestId"] = _request_id
    return doc


def _exception_document(exc):
    trace = traceback.format_list(traceback.extract_tb(exc.__traceback__)[1:])
    return _error_document(type(exc).__name__, str(exc), trace)


def _load_handler(handler):
    try:
        module_path, function_name = handler.rsplit(".", 1)
    except ValueError as e:
        raise _Fault("Runtime.MalformedHandlerName", "Bad handler '{}': {}".format(handler, e))
    module_name = module_path.replace("/", ".")
    if module_name.startswith("."):
        raise _Fault("Runtime.BadFunctionCode", "Cannot use relative import in handler '{}'".format(handler))
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        raise _Fault("Runtime.ImportModuleError", "Unable to import module '{}': {}".format(module_name, e))
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s\n' % (e.filename, e.lineno, e.text)]
        raise _Fault("Runtime.UserCodeSyntaxError", "Syntax error in module '{}': {}".format(module_name, e), trace)
    except Exception as e:
        raise _Fault("Runtime.ImportModuleError", "Unable to import module '{}': {}".format(module_name, e),
                     traceback.format_list(traceback.extract_tb(e.__traceback__)))
    fn = getattr(module, function_name, None)
    if fn is None:
        raise _Fault("Runtime.HandlerNotFound", "Handler '{}' missing on module '{}'".format(function_name, module_name))
    return fn


class _Context:
    def __init__(self, request_id, deadline_ms, arn, client_context, identity):
        self.aws_request_id = request_id
        self.invoked_function_arn = arn
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.client_context = client_context
        self.identity = identity
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(self._deadline_ms - int(time.time() * 1000), 0)


class _RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = _request_id
        return True


def _configure_logging():
    # As Lambda's Python runtime sets up the root logger.
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
                                           "%Y-%m-%dT%H:%M:%S"))
    handler.formatter.converter = time.gmtime
    handler.addFilter(_RequestIdFilter())
    logging.getLogger().addHandler(handler)


def _json_header(res, name):
    value = res.getheader(name)
    return json.loads(value) if value else None


def _post(api, route, body, headers):
    # localray's end mark: every line this run wrote is read before its answer is taken.
    mark = "\x1eLOCALRAY_END {}\n".format(_request_id)
    for stream in (sys.stdout, sys.stderr):
        stream.write(mark)
        stream.flush()
    api.call("POST", route, body, headers)


def main():
    global _request_id
    api = _Api()
    sys.path.insert(0, os.environ.get("LAMBDA_TASK_ROOT", os.getcwd()))
    sys.meta_path.insert(0, _EndpointHook())
    _configure_logging()
    try:
        handler = _load_handler(os.environ.get("_HANDLER", ""))
    except _Fault as f:
        doc = _error_document(f.error_type, f.message, f.trace)
        print("[ERROR] {}: {}".format(f.error_type, f.message), file=sys.stderr)
        api.call("POST", "init/error", json.dumps(doc), {"Lambda-Runtime-Function-Error-Type": f.error_type})
        sys.exit(1)
    while True:
        status, res, body = api.call("GET", "invocation/next")
        if status != 200:
            sys.exit(0)
        _request_id = res.getheader("Lambda-Runtime-Aws-Request-Id")
        trace = res.getheader("Lambda-Runtime-Trace-Id")
        if trace:
            os.environ["_X_AMZN_TRACE_ID"] = trace
        else:
            os.environ.pop("_X_AMZN_TRACE_ID", None)
        route = "invocation/{}/".format(_request_id)
        try:
            event = json.loads(body)
        except ValueError as e:
            doc = _error_document("Runtime.UnmarshalError", "Unable to unmarshal input: {}".format(e), [])
            _post(api, route + "error", json.dumps(doc), {"Lambda-Runtime-Function-Error-Type": doc["errorType"]})
            continue
        context = _Context(_request_id, int(res.getheader("Lambda-Runtime-Deadline-Ms") or 0),
                           res.getheader("Lambda-Runtime-Invoked-Function-Arn"),
                           _json_header(res, "Lambda-Runtime-Client-Context"),
                           _json_header(res, "Lambda-Runtime-Cognito-Identity"))
        try:
            result = handler(event, context)
        except Exception as e:
            doc = _exception_document(e)
            print("[ERROR] {}: {}\nTraceback (most recent call last):\n{}".format(
                doc["errorType"], doc["errorMessage"], "".join(doc["stackTrace"])).replace("\n", "\r"), file=sys.stderr)
            _post(api, route + "error", json.dumps(doc), {"Lambda-Runtime-Function-Error-Type": doc["errorType"]})
            continue
        try:
            payload = json.dumps(result)
        except (TypeError, ValueError) as e:
            doc = _error_document("Runtime.MarshalError", "Unable to marshal response: {}".format(e), [])
            _post(api, route + "error", json.dumps(doc), {"Lambda-Runtime-Function-Error-Type": doc["errorType"]})
            continue
        _post(api, route + "response", payload, {"Content-Type": "application/json"})


if __name__ == "__main__":
    main()
