import { readFileSync } from 'fs';
import { join } from 'path';
import { LOG_QUERIES, renderLogQuery } from '../../src/observability/log-queries';

const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

test.each(LOG_QUERIES.map((q) => [q.title, q] as const))('the README prints the saved query "%s" verbatim', (_title, query) => {
  expect(readme).toContain(['```sql', renderLogQuery(query), '```'].join('\n'));
});

test('the README has no lower-case level filter that Powertools logs would never match', () => {
  expect(readme).not.toMatch(/filter[^\n]*level = "error"/);
});
