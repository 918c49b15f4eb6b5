import { Template } from 'aws-cdk-lib/assertions';
import { synthWorkflow } from './synth';

/**
 * Asset hashes change with every handler edit (and differ between esbuild versions); the
 * handler tests cover the code, so the snapshot pins the infrastructure only.
 */
function normalised(template: Template): unknown {
  return JSON.parse(JSON.stringify(template.toJSON())
    .replace(/[0-9a-f]{64}(\.zip|\.json)?/g, '[ASSET-HASH]$1'));
}

test('the default OrdersWorkflow template matches the snapshot', () => {
  expect(normalised(synthWorkflow().template)).toMatchSnapshot();
});

test('the reference configuration (namePrefix orders, outputs) matches the snapshot', () => {
  expect(normalised(synthWorkflow({ namePrefix: 'orders', stackOutputs: true, corsAllowOrigins: ['http://localhost:5173'] }).template))
    .toMatchSnapshot();
});
