import { readFileSync } from 'fs';
import { join } from 'path';
import { LOG_QUERIES, renderLogQuery } from '../../src/observability/log-queries';

/** The operators' page: the saved queries and the log table live there. */
const readme = readFileSync(join(__dirname, '..', '..', 'docs', 'operations.md'), 'utf8');

test.each(LOG_QUERIES.map((q) => [q.title, q] as const))('docs/operations.md prints the saved query "%s" verbatim', (_title, query) => {
  expect(readme).toContain(['```sql', renderLogQuery(query), '```'].join('\n'));
});

test('docs/operations.md has no lower-case level filter that Powertools logs would never match', () => {
  expect(readme).not.toMatch(/filter[^\n]*level = "error"/);
});

test('the docs/operations.md log table lists every msg/outcome pair the handlers write', () => {
  // Imported lazily: lambda/shared/log.ts builds a Powertools Logger at module load.
  const { LOG_EVENTS } = jest.requireActual<typeof import('../../lambda/shared/log')>('../../lambda/shared/log');
  for (const event of Object.values(LOG_EVENTS)) {
    expect(readme).toContain(`| \`${event.msg}\` | \`${event.outcome}\` |`);
  }
});
