/**
 * Evaluates the CloudFormation intrinsic functions a synthesized template uses (Ref,
 * Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split) against the resources provisioned in
 * the emulator, the way CloudFormation would at deploy time.
 */

/** What CloudFormation knows about a created resource: its `Ref` value and its attributes. */
export interface PhysicalResource {
  readonly ref: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface ResolveContext {
  readonly region: string;
  readonly accountId: string;
  readonly stackName: string;
  readonly parameters?: Record<string, { readonly Default?: unknown }>;
  physical(logicalId: string): PhysicalResource | undefined;
  /**
   * A stand-in for a resource that does not exist locally (a CloudFront distribution's domain in
   * a function's environment, say). Without it, such a reference is an error.
   */
  fallback?(logicalId: string, attribute: string | undefined): string | undefined;
}

export class UnresolvableError extends Error {
  public readonly name = 'UnresolvableError';
}

/**
 * A reference to a resource that does not exist locally (a consumer's stack may put its
 * CloudFront domain into CORS_ALLOW_ORIGINS) becomes a name in the reserved `.invalid` domain:
 * visibly fake, and it can never match anything real.
 */
export function placeholderFor(logicalId: string, attribute: string | undefined): string {
  return `${[logicalId, attribute].filter(Boolean).join('-').toLowerCase()}.not-emulated.invalid`;
}

/** Marks `AWS::NoValue`: the property is dropped, as CloudFormation does. */
const NO_VALUE = Symbol('AWS::NoValue');

export function resolveValue(value: unknown, ctx: ResolveContext, where = 'template'): any {
  const resolved = resolveInner(value, ctx, where);
  return resolved === NO_VALUE ? undefined : resolved;
}

/** A value that must come out as a string (names, env vars, ARNs). */
export function resolveString(value: unknown, ctx: ResolveContext, where: string): string {
  const resolved = resolveValue(value, ctx, where);
  if (typeof resolved === 'string') return resolved;
  if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
  throw new UnresolvableError(`${where}: expected a string, got ${JSON.stringify(resolved)}`);
}

function resolveInner(value: unknown, ctx: ResolveContext, where: string): unknown {
  if (Array.isArray(value)) {
    return value.map((item, index) => resolveInner(item, ctx, `${where}[${index}]`)).filter((item) => item !== NO_VALUE);
  }
  if (value === null || typeof value !== 'object') return value;

  const entries = Object.entries(value);
  if (entries.length === 1) {
    const [key, argument] = entries[0];
    switch (key) {
      case 'Ref': return ref(String(argument), ctx, where);
      case 'Fn::GetAtt': return getAtt(argument, ctx, where);
      case 'Fn::Join': {
        const [separator, parts] = argument as [string, unknown];
        const list = resolveInner(parts, ctx, where) as unknown[];
        return list.map((part) => scalar(part, where)).join(separator);
      }
      case 'Fn::Sub': return sub(argument, ctx, where);
      case 'Fn::Select': {
        const [index, list] = argument as [unknown, unknown];
        return (resolveInner(list, ctx, where) as unknown[])[Number(resolveInner(index, ctx, where))];
      }
      case 'Fn::Split': {
        const [separator, source] = argument as [string, unknown];
        return scalar(resolveInner(source, ctx, where), where).split(separator);
      }
      default:
        if (key.startsWith('Fn::') || key === 'Condition') {
          throw new UnresolvableError(`${where}: ${key} is not supported by the local runner`);
        }
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    const resolved = resolveInner(item, ctx, `${where}.${key}`);
    if (resolved !== NO_VALUE) out[key] = resolved;
  }
  return out;
}

function ref(name: string, ctx: ResolveContext, where: string): unknown {
  switch (name) {
    case 'AWS::Region': return ctx.region;
    case 'AWS::AccountId': return ctx.accountId;
    case 'AWS::Partition': return 'aws';
    case 'AWS::URLSuffix': return 'amazonaws.com';
    case 'AWS::StackName': return ctx.stackName;
    case 'AWS::StackId': return `arn:aws:cloudformation:${ctx.region}:${ctx.accountId}:stack/${ctx.stackName}/local`;
    case 'AWS::NoValue': return NO_VALUE;
  }
  const parameter = ctx.parameters?.[name];
  if (parameter !== undefined) return parameter.Default;
  const physical = ctx.physical(name);
  if (physical) return physical.ref;
  const stand = ctx.fallback?.(name, undefined);
  if (stand === undefined) throw new UnresolvableError(`${where}: Ref ${name}: that resource is not created locally`);
  return stand;
}

function getAtt(argument: unknown, ctx: ResolveContext, where: string): string {
  const [logicalId, attribute] = typeof argument === 'string'
    ? [argument.slice(0, argument.indexOf('.')), argument.slice(argument.indexOf('.') + 1)]
    : (argument as [string, string]);
  const physical = ctx.physical(logicalId);
  const value = physical?.attributes[attribute] ?? (physical ? undefined : ctx.fallback?.(logicalId, attribute));
  if (value === undefined) {
    throw new UnresolvableError(`${where}: Fn::GetAtt ${logicalId}.${attribute}: not available locally`);
  }
  return value;
}

function sub(argument: unknown, ctx: ResolveContext, where: string): string {
  const [text, variables] = typeof argument === 'string' ? [argument, {}] : (argument as [string, Record<string, unknown>]);
  return text.replace(/\$\{([^}!]+)\}/g, (_match, name: string) => {
    if (name in variables) return scalar(resolveInner(variables[name], ctx, where), where);
    return name.includes('.') && !name.startsWith('AWS::')
      ? getAtt(name, ctx, where)
      : scalar(ref(name, ctx, where), where);
  }).replace(/\$\{!/g, '${');
}

function scalar(value: unknown, where: string): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new UnresolvableError(`${where}: expected a string, got ${JSON.stringify(value)}`);
}
