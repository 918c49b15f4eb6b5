#!/usr/bin/env node
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { customDomainFrom, environmentSettings } from '../lib/environment';
import { applyNagChecks } from '../lib/nag-checks';
import { OrdersExampleStack } from '../lib/orders-example-stack';

const app = new App();

/** `-c envName=staging`; letters, digits and `-` (it becomes part of the stack name). */
const envName = String(app.node.tryGetContext('envName') ?? 'dev');
if (!/^[a-z][a-z0-9-]{0,19}$/.test(envName)) {
  throw new Error(`envName must be 1 to 20 lowercase letters, digits or '-', starting with a letter (got '${envName}'): use -c envName=dev`);
}
/** `-c region=eu-west-1`, else the CLI's region (AWS_REGION / profile), else us-east-1. */
const region = String(app.node.tryGetContext('region') ?? process.env.CDK_DEFAULT_REGION ?? 'us-east-1');
const namePrefix = String(app.node.tryGetContext('namePrefix') ?? 'orders');
/** Context values given on the command line are strings: `-c nag=false`. */
const flag = (name: string, fallback: boolean) => {
  const value = app.node.tryGetContext(name);
  if (value === undefined) return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new Error(`-c ${name} must be true or false (got '${value}')`);
};

function wholeNumber(name: string): number | undefined {
  const value = app.node.tryGetContext(name);
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`-c ${name} must be a whole number of at least 1 (got '${value}')`);
  return number;
}

new OrdersExampleStack(app, `OrdersWorkflow-${envName}`, {
  description: `cdk-orders-workflow example: orders API, event pipeline and frontend (${envName})`,
  // The account comes from the CLI's credentials at deploy time; synth needs none.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region },
  settings: environmentSettings(envName),
  namePrefix,
  // `-c frontendDist=<dir>` hosts another build of the frontend (the browser test uses its own).
  frontendDistPath: path.resolve(String(app.node.tryGetContext('frontendDist') ?? path.join(__dirname, '..', '..', 'frontend', 'dist'))),
  customDomain: customDomainFrom(app.node.tryGetContext('domainName'), app.node.tryGetContext('certificateArn')),
  frontendWebAclArn: app.node.tryGetContext('frontendWebAclArn'),
  apiGatewayAccountRole: flag('apiGatewayAccountRole', true),
  apiReservedConcurrency: wholeNumber('apiReservedConcurrency'),
});

// cdk-nag's AwsSolutions and Serverless packs on every synth: an unacknowledged error stops it.
if (flag('nag', true)) {
  applyNagChecks(app);
}

app.synth();
