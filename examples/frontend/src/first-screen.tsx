/**
 * The first screen as static HTML, rendered at build time into index.html (see
 * first-screen-plugin.ts): the top bar, the page header and a loading panel, in Cloudscape's own
 * markup and styles. A phone on a slow network paints it as soon as the CSS arrives, while the
 * application's code is still on its way; the app then replaces it (no hydration). It depends on
 * nothing known only at run time (config.json, the session), so it is right for every stack:
 * the environment badge, the form or the sign-in come with the app.
 */
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import { renderToStaticMarkup } from 'react-dom/server';
import { ConsoleHeader } from './components/ConsoleHeader';
import { PageHeader } from './components/PageHeader';

export function renderFirstScreen(): string {
  return renderToStaticMarkup(
    <>
      <ConsoleHeader />
      <main id="main" className="console">
        <ContentLayout header={<PageHeader />}>
          <Container header={<Header variant="h2">Order details</Header>}>
            <StatusIndicator type="loading">Loading the console</StatusIndicator>
          </Container>
        </ContentLayout>
      </main>
    </>,
  );
}
