import type { AuthSession } from '../auth/session';

interface TopNavigationProps {
  readonly envName: string;
  readonly region: string;
  /** The signed-in user; undefined when signed out or when the API needs no sign-in. */
  readonly session?: AuthSession;
  readonly onSignOut?: () => void;
}

/** The console-style bar: product name, the environment and region this page talks to, and who is signed in. */
export function TopNavigation({ envName, region, session, onSignOut }: TopNavigationProps) {
  return (
    <header className="top-nav">
      <div className="top-nav__brand">
        <svg className="top-nav__logo" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
          <path d="M8 11h16l-2 11H10z" fill="none" stroke="currentColor" strokeWidth="2.5" strokeLinejoin="round" />
          <path d="M12 11a4 4 0 0 1 8 0" fill="none" stroke="currentColor" strokeWidth="2.5" />
        </svg>
        <h1 className="top-nav__title">AWS Orders Workflow</h1>
      </div>
      <div className="top-nav__end">
        <dl className="top-nav__meta">
          <div className="top-nav__meta-item">
            <dt>Environment</dt>
            <dd><span className="env-badge" data-testid="env-name">{envName}</span></dd>
          </div>
          <div className="top-nav__meta-item">
            <dt>Region</dt>
            <dd data-testid="region">{region}</dd>
          </div>
          {session !== undefined && (
            <div className="top-nav__meta-item">
              <dt>Signed in as</dt>
              <dd data-testid="signed-in-user">
                {session.username}
                {session.groups.length > 0 && <span className="top-nav__groups"> ({session.groups.join(', ')})</span>}
              </dd>
            </div>
          )}
        </dl>
        {session !== undefined && onSignOut !== undefined && (
          <button type="button" className="btn btn--nav btn--small" onClick={onSignOut}>
            Sign out
          </button>
        )}
      </div>
    </header>
  );
}
