'use strict';
// Runs one Node.js Lambda handler once, outside Docker, for server.py's custom resource bridge.
//
//   node lambda-runner.js <code directory> <handler, e.g. __entrypoint__.handler>  < event.json
//
// The event's ResponseURL points at RESPONSE_HOST (a name that cannot resolve): every https/http request to that host
// is kept here instead of being sent, and the last body sent there (the CloudFormation custom resource response) is
// printed on stdout as the single line `{"response": <body>}`. Without MOTO_BRIDGE_RESPONSE_HOST (a function that is
// not a custom resource, e.g. a rotation function run by audit.py), the handler's return value is printed as
// `{"result": <value>}` instead. Everything the handler logs goes to stderr. The
// AWS SDK the handler requires comes from NODE_PATH, as the Lambda runtime's does from /var/runtime/node_modules.
const http = require('http');
const https = require('https');
const path = require('path');
const { EventEmitter } = require('events');
const { PassThrough } = require('stream');

const RESPONSE_HOST = process.env.MOTO_BRIDGE_RESPONSE_HOST;
let response = null;

function hostOf(args) {
  const first = args[0];
  if (typeof first === 'string') return new URL(first).hostname;
  if (first instanceof URL) return first.hostname;
  return first && (first.hostname || (first.host || '').split(':')[0]);
}

function captured(callback) {
  const chunks = [];
  const request = new EventEmitter();
  request.write = (data) => { if (data != null) chunks.push(Buffer.from(data)); return true; };
  request.end = (data) => {
    if (data != null && typeof data !== 'function') request.write(data);
    response = Buffer.concat(chunks).toString('utf8');
    const res = new PassThrough();
    res.statusCode = 200;
    res.headers = {};
    setImmediate(() => {
      if (callback) callback(res);
      request.emit('response', res);
      res.end();
      request.emit('finish');
      request.emit('close');
    });
    return request;
  };
  request.setTimeout = () => request;
  request.setHeader = () => undefined;
  request.abort = request.destroy = () => undefined;
  return request;
}

for (const mod of [http, https]) {
  const original = mod.request;
  mod.request = function request(...args) {
    if (RESPONSE_HOST && hostOf(args) === RESPONSE_HOST) {
      return captured(args.find(a => typeof a === 'function'));
    }
    return original.apply(this, args);
  };
}

// The handler's console output is the function's log, not this runner's result.
const log = (...args) => process.stderr.write(require('util').format(...args) + '\n');
console.log = console.info = console.warn = console.error = console.debug = log;

async function main() {
  const [codeDirectory, handlerName] = process.argv.slice(2);
  const dot = handlerName.lastIndexOf('.');
  const file = handlerName.slice(0, dot);
  const exportName = handlerName.slice(dot + 1);
  const event = JSON.parse(require('fs').readFileSync(0, 'utf8'));
  const handler = require(path.join(codeDirectory, file))[exportName];
  if (typeof handler !== 'function') throw new Error(`${handlerName} is not a function in ${codeDirectory}`);
  const deadline = Date.now() + Number(process.env.AWS_LAMBDA_FUNCTION_TIMEOUT || 300) * 1000;
  const context = {
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: '$LATEST',
    invokedFunctionArn: process.env.MOTO_BRIDGE_FUNCTION_ARN,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: event.RequestId,
    logGroupName: `/aws/lambda/${process.env.AWS_LAMBDA_FUNCTION_NAME}`,
    logStreamName: 'moto-bridge',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    callbackWaitsForEmptyEventLoop: true,
  };
  const value = await new Promise((resolve, reject) => {
    const result = handler(event, context, (err, v) => (err ? reject(err) : resolve(v)));
    if (result && typeof result.then === 'function') result.then(resolve, reject);
  });
  if (!RESPONSE_HOST) {
    process.stdout.write(JSON.stringify({ result: value === undefined ? null : value }) + '\n');
    return;
  }
  if (response === null) throw new Error('the handler finished without sending a response to the ResponseURL');
  process.stdout.write(JSON.stringify({ response: JSON.parse(response) }) + '\n');
}

main().catch((err) => {
  log('lambda-runner: %s', err && err.stack ? err.stack : err);
  process.exit(1);
});
