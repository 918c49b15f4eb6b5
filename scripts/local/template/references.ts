/**
 * How a synthesized template names and refers to its resources: the logical id behind a
 * `Ref`/`Fn::GetAtt`, the function behind a Lambda integration URI, and the physical name
 * CloudFormation generates when a template sets none.
 */

/** The logical id in `{ Ref: X }` or `{ Fn::GetAtt: [X, ...] }` (pseudo parameters such as `AWS::Region` are not resources). */
export function logicalIdOf(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.Ref === 'string' && !record.Ref.startsWith('AWS::')) return record.Ref;
  const getAtt = record['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return String(getAtt[0]);
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  return undefined;
}

/** The function in `arn:...:lambda:path/2015-03-31/functions/<Fn::GetAtt [Fn, Arn]>/invocations`. */
export function lambdaFunctionOf(uri: unknown): string | undefined {
  let found: string | undefined;
  const visit = (node: unknown) => {
    if (found || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    const getAtt = (node as Record<string, unknown>)['Fn::GetAtt'];
    if (Array.isArray(getAtt) && getAtt[1] === 'Arn') {
      found = String(getAtt[0]);
      return;
    }
    Object.values(node).forEach(visit);
  };
  visit(uri);
  return found;
}

/** CloudFormation's generated physical name when a template sets none: `<stack>-<logicalId>`, bounded. */
export function generatedName(stackName: string, logicalId: string, maxLength: number): string {
  return `${stackName}-${logicalId}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, maxLength);
}
