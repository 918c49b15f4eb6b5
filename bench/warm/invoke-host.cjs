// Child process of the warm-cost measurement: one warm Lambda environment. Loads the handler
// given as argv[2] once, then runs each invocation the parent sends and answers with its wall
// time and the CPU time this process used meanwhile (user + system: the SDK's serialisation,
// signing, parsing and our layers; waiting on the emulator costs none).
const { randomUUID } = require('node:crypto');

const file = process.argv[2];
const handler = require(file).handler;
const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME || 'bench';

function context(timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE || '128',
    awsRequestId: randomUUID(),
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME || '/aws/lambda/bench',
    logStreamName: 'bench',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

process.on('message', async (message) => {
  if (message.type !== 'invoke') return;
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  let ok = true;
  let error;
  let result;
  try {
    result = await handler(message.event, context(30000));
  } catch (caught) {
    ok = false;
    error = String(caught && caught.stack || caught);
  }
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpuBefore);
  process.send({ type: 'result', id: message.id, ok, error, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, result });
});
process.on('disconnect', () => process.exit(0));
process.send({ type: 'ready' });
