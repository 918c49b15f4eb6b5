import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { IConstruct } from 'constructs';
import { Synthesized } from './synth';
import { OrdersWorkflow, OrdersWorkflowProps } from '../../src';

/** Like synthWorkflow, with a step that uses the built workflow (a grant, a rule) before synth. */
export function synthUsing(props: OrdersWorkflowProps, use: (workflow: OrdersWorkflow, stack: Stack) => void): Synthesized {
  const app = new App();
  const stack = new Stack(app, 'TestStack', { env: { account: '111111111111', region: 'us-east-1' } });
  const workflow = new OrdersWorkflow(stack, 'Orders', props);
  use(workflow, stack);
  return { stack, workflow, template: Template.fromStack(stack) };
}

/** Logical id of a construct's CloudFormation resource (the construct itself or its default child). */
export function logicalIdOf(construct: IConstruct): string {
  const resource = (construct.node.defaultChild ?? construct) as any;
  return Stack.of(construct).getLogicalId(resource);
}

/** The properties of a construct's resource in the synthesized template. */
export function propsOf(synth: Synthesized, construct: IConstruct): any {
  return synth.template.toJSON().Resources[logicalIdOf(construct)].Properties;
}

/** Every IAM statement attached (by AWS::IAM::Policy resources) to a function's role. */
export function roleStatementsOf(synth: Synthesized, fn: IConstruct): any[] {
  const roleId = propsOf(synth, fn).Role['Fn::GetAtt'][0];
  return Object.values<any>(synth.template.findResources('AWS::IAM::Policy'))
    .filter((p) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

/** The managed policies of a function's role, as the template lists them. */
export function roleManagedPoliciesOf(synth: Synthesized, fn: IConstruct): any[] {
  const roleId = propsOf(synth, fn).Role['Fn::GetAtt'][0];
  return synth.template.toJSON().Resources[roleId].Properties.ManagedPolicyArns ?? [];
}

/** The directory the cloud assembly staged a function's code asset in (the files Lambda would get). */
export function assetDirOf(synth: Synthesized, fn: IConstruct): string {
  const assembly = (synth.stack.node.root as App).synth();
  const s3Key: string = propsOf(synth, fn).Code.S3Key;
  const manifest = JSON.parse(fs.readFileSync(path.join(assembly.directory, `${synth.stack.artifactId}.assets.json`), 'utf8'));
  const asset = manifest.files[s3Key.replace(/\.zip$/, '')];
  if (!asset) throw new Error(`no file asset for ${s3Key}`);
  return path.join(assembly.directory, asset.source.path);
}
