/**
 * docs/security.md lists exactly the NIST 800-53 R5 findings cdk-nag reports: those a prop closes
 * (found with default props, or with a managed web ACL that does not log, and gone with every
 * option on) and those that remain with every option on, each with a disposition.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { NIST80053R5Checks } from 'cdk-nag';
import { OrdersApiWaf } from '../../src';
import { allSecurityOptions, NagFinding, nagFindings } from '../construct/all-security-options';

const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'security.md'), 'utf8');

/** `NIST.800.53.R5-Rule Api/Handler/Function`, one per finding. */
const keys = (findings: NagFinding[]) => new Set(findings.map((f) => `${f.rule} ${f.path.replace(/^\/Nag\/Orders\//, '').replace(/\/Resource$/, '')}`));
const nist = (props: Parameters<typeof nagFindings>[1]) => keys(nagFindings([new NIST80053R5Checks()], props));

/** The table under `heading`: one key per resource of each row, and each row's last cell. */
function table(heading: string): { keys: Set<string>; lastCells: string[] } {
  const start = doc.indexOf(`### ${heading}\n`);
  expect(start).toBeGreaterThan(-1);
  const rest = doc.slice(start + heading.length + 5);
  const section = rest.slice(0, rest.search(/\n##/) === -1 ? undefined : rest.search(/\n##/));
  const rows = section.split('\n').filter((line) => line.startsWith('| `NIST.800.53.R5-'))
    .map((line) => line.slice(2, -2).split(' | '));
  return {
    keys: new Set(rows.flatMap(([rule, resources]) => resources.split(', ').map((r) => `${rule.replace(/`/g, '')} ${r.replace(/`/g, '')}`))),
    lastCells: rows.map((cells) => cells[cells.length - 1]),
  };
}

const sorted = (set: Set<string>) => [...set].sort();

const withEveryOption = nist((stack) => allSecurityOptions(stack));
const withDefaults = nist(() => ({ namePrefix: 'orders' }));
const withSilentWaf = nist((stack) => ({ ...allSecurityOptions(stack), waf: OrdersApiWaf.managed() }));

test('"Remaining with every option on" lists exactly what the pack reports for that stack', () => {
  expect(sorted(table('Remaining with every option on').keys)).toEqual(sorted(withEveryOption));
});

test('"Closed by a prop" lists exactly what default props (or a web ACL without logging) add to that', () => {
  const closed = new Set([...withDefaults, ...withSilentWaf].filter((key) => !withEveryOption.has(key)));
  expect(closed.size).toBeGreaterThan(0);
  expect(sorted(table('Closed by a prop').keys)).toEqual(sorted(closed));
});

test('every remaining finding has a disposition: not applicable or accepted, and why', () => {
  for (const cell of table('Remaining with every option on').lastCells) {
    expect(cell).toMatch(/^(Not applicable|Accepted)\. \S.{80,}/);
  }
});

test('the threat model covers every authorization mode', () => {
  for (const mode of ['none()', 'iam()', 'apiKey()', 'cognito()']) expect(doc).toContain(`| \`${mode}\``);
});
