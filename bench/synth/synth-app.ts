/**
 * Item 5, the measured process: a CDK app with one OrdersWorkflow (default settings), written
 * in TypeScript and run with tsx as `cdk synth` would run it, synthesized into argv[2]. Prints
 * the in-process figure (construct tree + synth, after the imports) as JSON on stdout.
 */
import { App, Stack } from 'aws-cdk-lib';
import { OrdersWorkflow } from '../../src';

const started = performance.now();
const app = new App({ outdir: process.argv[2] });
const stack = new Stack(app, 'BenchSynth', { env: { account: '123456789012', region: 'us-east-1' } });
new OrdersWorkflow(stack, 'Orders');
app.synth();
process.stdout.write(`${JSON.stringify({ inProcessMs: performance.now() - started })}\n`);
