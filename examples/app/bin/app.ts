#!/usr/bin/env node
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
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

new OrdersExampleStack(app, `OrdersWorkflow-${envName}`, {
  description: `cdk-orders-workflow example: orders API, event pipeline and frontend (${envName})`,
  // The account comes from the CLI's credentials at deploy time; synth needs none.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region },
  envName,
  namePrefix,
  frontendDistPath: path.join(__dirname, '..', '..', 'frontend', 'dist'),
});

app.synth();
