interface TopNavigationProps {
  readonly envName: string;
  readonly region: string;
}

/** The console-style bar: product name, then the environment and region this page talks to. */
export function TopNavigation({ envName, region }: TopNavigationProps) {
  return (
    <header className="top-nav">
      <div className="top-nav__brand">
        <svg className="top-nav__logo" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
          <path d="M8 11h16l-2 11H10z" fill="none" stroke="currentColor" strokeWidth="2.5" strokeLinejoin="round" />
          <path d="M12 11a4 4 0 0 1 8 0" fill="none" stroke="currentColor" strokeWidth="2.5" />
        </svg>
        <h1 className="top-nav__title">AWS Orders Workflow</h1>
      </div>
      <dl className="top-nav__meta">
        <div className="top-nav__meta-item">
          <dt>Environment</dt>
          <dd><span className="env-badge" data-testid="env-name">{envName}</span></dd>
        </div>
        <div className="top-nav__meta-item">
          <dt>Region</dt>
          <dd data-testid="region">{region}</dd>
        </div>
      </dl>
    </header>
  );
}
