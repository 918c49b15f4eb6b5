/** Small inline status icons (decorative: the text next to them carries the meaning). */
export function ErrorIcon() {
  return (
    <svg className="icon icon--error" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <circle cx="8" cy="8" r="7" fill="none" stroke="currentColor" strokeWidth="2" />
      <path d="M8 4v5M8 11v1.5" stroke="currentColor" strokeWidth="2" />
    </svg>
  );
}

export function SuccessIcon() {
  return (
    <svg className="icon icon--success" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <circle cx="8" cy="8" r="7" fill="none" stroke="currentColor" strokeWidth="2" />
      <path d="M4.5 8.5l2.5 2.5 4.5-5" fill="none" stroke="currentColor" strokeWidth="2" />
    </svg>
  );
}

export function InfoIcon() {
  return (
    <svg className="icon icon--info" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <circle cx="8" cy="8" r="7" fill="none" stroke="currentColor" strokeWidth="2" />
      <path d="M8 7v5M8 4v1.5" stroke="currentColor" strokeWidth="2" />
    </svg>
  );
}

export function Spinner() {
  return <span className="spinner" aria-hidden="true" />;
}

export function WarningIcon() {
  return (
    <svg className="icon icon--warning" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d="M8 1.5L15 14.5H1z" fill="none" stroke="currentColor" strokeWidth="2" strokeLinejoin="round" />
      <path d="M8 6v4M8 11.5v1.5" stroke="currentColor" strokeWidth="2" />
    </svg>
  );
}
