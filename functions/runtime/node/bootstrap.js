'use strict';
// localray's runtime for Node.js functions: loads the handler named by _HANDLER the way AWS's
// runtime interface client does, then serves invocations from the Runtime API at
// AWS_LAMBDA_RUNTIME_API until localray stops the process. Written for localray: AWS's client needs
// a native build, and its current major needs node 22 and refuses callback handlers.
const http = require('http');
const fs = require('fs');
const path = require('path');
const util = require('util');
const Module = require('module');
const { pathToFileURL } = require('url');

// ES module handlers find what NODE_PATH holds, as on Lambda (module.register: node 20.6 and
// later). Registered only before an ES module is imported: the hooks run on a thread of their
// own, whose start a CommonJS handler's cold start need not pay.
let esmHookRegistered = false;
function importModule(file) {
  if (!esmHookRegistered && typeof Module.register === 'function' && process.env.NODE_PATH) {
    esmHookRegistered = true;
    Module.register(pathToFileURL(path.join(__dirname, 'esm_node_path.mjs')));
  }
  return import(pathToFileURL(file).href);
}

const [apiHost, apiPort] = process.env.AWS_LAMBDA_RUNTIME_API.split(':');
const agent = new http.Agent({ keepAlive: true });
const endpoint = process.env.LOCALRAY_ENDPOINT;

function runtimeApi(method, route, body, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: apiHost, port: apiPort, method, path: '/2018-06-01/runtime/' + route, agent, headers: headers || {} },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      });
    req.on('error', reject);
    req.end(body);
  });
}

// aws-sdk v2 reads no endpoint from the environment: every copy of it the code loads is pointed
// at localray, unless the code names an endpoint of its own. Checked once the code's own require
// returns, when the SDK has finished setting itself up.
const patchedSdks = new WeakSet();
const load = Module._load;
Module._load = function (request, parent, isMain) {
  const exported = load.apply(this, arguments);
  if (endpoint && typeof request === 'string' && (request === 'aws-sdk' || request.startsWith('aws-sdk/'))) {
    const core = request === 'aws-sdk' ? exported : load.call(this, 'aws-sdk/lib/core', parent, false);
    if (core && typeof core.VERSION === 'string' && core.VERSION.startsWith('2.') && core.config && !patchedSdks.has(core)) {
      patchedSdks.add(core);
      core.config.update({ endpoint, s3ForcePathStyle: true });
    }
  }
  return exported;
};

// Console lines as Lambda's Node runtime writes them: time, request id, level, message; a
// multi-line message stays one record.
let currentRequestId;
function patchConsole() {
  const levels = { log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR', debug: 'DEBUG', trace: 'TRACE' };
  for (const [method, level] of Object.entries(levels)) {
    console[method] = (...args) => {
      let message = util.format(...args);
      if (method === 'trace') message += '\n' + new Error().stack.split('\n').slice(2).join('\n');
      const line = `${new Date().toISOString()}\t${currentRequestId || 'undefined'}\t${level}\t${message.replace(/\n/g, '\r')}\n`;
      (level === 'ERROR' || level === 'WARN' ? process.stderr : process.stdout).write(line);
    };
  }
}

class RuntimeError extends Error {
  constructor(type, message, cause) {
    super(message);
    this.name = type;
    if (cause && cause.stack) this.stack = [`${type}: ${message}`, ...cause.stack.split('\n').filter((l) => l.startsWith('    at '))].join('\n');
  }
}

function errorDocument(err) {
  if (err instanceof Error) {
    const doc = { errorType: err.name || 'Error', errorMessage: err.message, trace: String(err.stack || '').split('\n') };
    for (const key of Object.keys(err)) if (!(key in doc) && key !== 'name') doc[key] = err[key];
    return doc;
  }
  return { errorType: typeof err, errorMessage: typeof err === 'string' ? err : JSON.stringify(err), trace: [] };
}

function nearestPackageType(dir) {
  for (let d = dir; ; d = path.dirname(d)) {
    const file = path.join(d, 'package.json');
    if (fs.existsSync(file)) {
      try { return JSON.parse(fs.readFileSync(file, 'utf8')).type; } catch { return undefined; }
    }
    if (path.dirname(d) === d) return undefined;
  }
}

const isFile = (f) => { try { return fs.statSync(f).isFile(); } catch { return false; } };

// AWS's order: the name as is, .js (as the nearest package.json says), .mjs, .cjs, then require's
// own resolution.
async function loadModule(root, name) {
  const base = path.join(root, name);
  if (isFile(base)) return require(base);
  if (isFile(base + '.js')) {
    if (nearestPackageType(root) === 'module') return importModule(base + '.js');
    try {
      return require(base + '.js');
    } catch (e) {
      if (e.code === 'ERR_REQUIRE_ESM') return importModule(base + '.js');
      throw e;
    }
  }
  if (isFile(base + '.mjs')) return importModule(base + '.mjs');
  if (isFile(base + '.cjs')) return require(base + '.cjs');
  return require(require.resolve(name, { paths: [root, ...(process.env.NODE_PATH || '').split(':').filter(Boolean)] }));
}

async function loadHandler() {
  const taskRoot = process.env.LAMBDA_TASK_ROOT;
  const handlerName = process.env._HANDLER || '';
  if (handlerName.includes('..')) {
    throw new RuntimeError('Runtime.MalformedHandlerName',
      `'${handlerName}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`);
  }
  const match = /^([^.]*)\.(.*)$/.exec(path.basename(handlerName));
  if (!match) throw new RuntimeError('Runtime.MalformedHandlerName', 'Bad handler');
  const [, moduleName, handlerPath] = match;
  const root = path.resolve(taskRoot, path.dirname(handlerName));
  let mod;
  try {
    mod = await loadModule(root, moduleName);
  } catch (e) {
    if (e instanceof SyntaxError) throw new RuntimeError('Runtime.UserCodeSyntaxError', `${e.name}: ${e.message}`, e);
    if (e.code === 'MODULE_NOT_FOUND' || e.code === 'ERR_MODULE_NOT_FOUND') throw new RuntimeError('Runtime.ImportModuleError', `Error: ${e.message}`, e);
    throw e;
  }
  const fn = handlerPath.split('.').reduce((o, key) => (o == null ? undefined : o[key]), mod);
  if (fn === undefined) throw new RuntimeError('Runtime.HandlerNotFound', `${moduleName}.${handlerPath} is undefined or not exported`);
  if (typeof fn !== 'function') throw new RuntimeError('Runtime.HandlerNotFound', `${moduleName}.${handlerPath} is not a function`);
  return fn;
}

// Runs when the event loop has nothing left to do: a callback result waiting for it, or a
// handler that never answered.
let onEmptyLoop = null;
process.on('beforeExit', () => {
  const f = onEmptyLoop;
  onEmptyLoop = null;
  if (f) f();
});

let failInvocation = null;
async function fatal(type, err) {
  const doc = errorDocument(err);
  doc.errorType = type || doc.errorType;
  console.error(`${doc.errorType}: ${doc.errorMessage}`);
  if (failInvocation) await failInvocation(doc).catch(() => {});
  process.exit(129);
}
process.on('uncaughtException', (err) => fatal(undefined, err));
process.on('unhandledRejection', (reason) => {
  const err = reason instanceof Error ? reason : new Error(String(reason));
  fatal('Runtime.UnhandledPromiseRejection', err);
});

function invoke(handler, event, context) {
  return new Promise((resolve) => {
    let done = false;
    const finish = (error, value) => {
      if (done) return;
      done = true;
      onEmptyLoop = null;
      resolve(error == null ? { value } : { error });
    };
    const callback = (error, value) => {
      if (context.callbackWaitsForEmptyEventLoop) onEmptyLoop = () => finish(error, value);
      else finish(error, value);
    };
    context.done = callback;
    context.succeed = (value) => callback(null, value);
    context.fail = (error) => callback(error == null ? 'handled' : error);
    onEmptyLoop = () => finish(null, null);
    let returned;
    try {
      returned = handler(event, context, callback);
    } catch (e) {
      finish(e);
      return;
    }
    if (returned && typeof returned.then === 'function') {
      onEmptyLoop = null;
      returned.then((v) => finish(null, v), (e) => finish(e == null ? new Error('Promise rejected without a reason') : e));
    }
  });
}

async function serve(handler) {
  for (;;) {
    const next = await runtimeApi('GET', 'invocation/next');
    if (next.status !== 200) process.exit(0);
    const id = next.headers['lambda-runtime-aws-request-id'];
    const trace = next.headers['lambda-runtime-trace-id'];
    if (trace) process.env._X_AMZN_TRACE_ID = trace;
    else delete process.env._X_AMZN_TRACE_ID;
    currentRequestId = id;
    const deadline = Number(next.headers['lambda-runtime-deadline-ms']);
    const post = (route, body, headers) => {
      // localray's end mark: every line this run wrote is read before its answer is taken.
      const mark = `\x1eLOCALRAY_END ${id}\n`;
      process.stdout.write(mark);
      process.stderr.write(mark);
      return runtimeApi('POST', `invocation/${id}/${route}`, body, Object.assign({ 'Content-Type': 'application/json' }, headers));
    };
    const postError = (doc) => post('error', JSON.stringify(doc), { 'Lambda-Runtime-Function-Error-Type': doc.errorType });
    failInvocation = postError;
    const context = {
      callbackWaitsForEmptyEventLoop: true,
      functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
      functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
      invokedFunctionArn: next.headers['lambda-runtime-invoked-function-arn'],
      memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      awsRequestId: id,
      logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
      getRemainingTimeInMillis: () => Math.max(deadline - Date.now(), 0),
    };
    if (next.headers['lambda-runtime-client-context']) context.clientContext = JSON.parse(next.headers['lambda-runtime-client-context']);
    if (next.headers['lambda-runtime-cognito-identity']) context.identity = JSON.parse(next.headers['lambda-runtime-cognito-identity']);
    let event;
    try {
      event = JSON.parse(next.body);
    } catch (e) {
      await postError({ errorType: 'Runtime.UnmarshalError', errorMessage: `Unable to parse input as JSON: ${e.message}`, trace: [] });
      continue;
    }
    const outcome = await invoke(handler, event, context);
    failInvocation = null;
    if (outcome.error !== undefined) {
      const doc = errorDocument(outcome.error);
      console.error(`Invoke Error \t${JSON.stringify(doc)}`);
      await postError(doc);
    } else {
      let body;
      try {
        body = JSON.stringify(outcome.value === undefined ? null : outcome.value);
      } catch (e) {
        await postError({ errorType: 'Runtime.SerializationError', errorMessage: e.message, trace: [] });
        continue;
      }
      await post('response', body);
    }
  }
}

(async () => {
  patchConsole();
  let handler;
  try {
    handler = await loadHandler();
  } catch (e) {
    const doc = errorDocument(e);
    console.error(`${doc.errorType}: ${doc.errorMessage}`);
    await runtimeApi('POST', 'init/error', JSON.stringify(doc),
      { 'Content-Type': 'application/json', 'Lambda-Runtime-Function-Error-Type': doc.errorType }).catch(() => {});
    process.exit(1);
  }
  await serve(handler);
})();
