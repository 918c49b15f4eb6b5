import { type FormEvent, useEffect, useRef, useState } from 'react';
import { answerMfa, completeNewPassword, preloadCognito, signIn, type SignInStep } from '../auth/cognito';
import type { AuthSession } from '../auth/session';
import type { CognitoSettings } from '../config';
import { ErrorIcon, InfoIcon, Spinner } from './icons';

interface SignInProps {
  readonly settings: CognitoSettings;
  /** Why the form is shown (signed out, session expired...), announced above it. */
  readonly notice?: string;
  readonly onSignedIn: (session: AuthSession) => void;
}

type Step =
  | { readonly kind: 'credentials' }
  | { readonly kind: 'new-password'; readonly username: string; readonly challengeSession: string }
  | { readonly kind: 'mfa'; readonly username: string; readonly challengeSession: string };

/**
 * Sign-in to the user pool: username and password, then whichever step Cognito asks for (a
 * new password for an invited user, or an authenticator code). Each step's first field takes
 * the focus; an error is announced (role=alert) and leaves the typed username in place.
 */
export function SignIn({ settings, notice, onSignedIn }: SignInProps) {
  const [step, setStep] = useState<Step>({ kind: 'credentials' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  /** Remounts the alert on every failure, so the same message is announced again. */
  const [failures, setFailures] = useState(0);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [confirmPassword, setConfirmPassword] = useState('');
  const [code, setCode] = useState('');
  const firstField = useRef<HTMLInputElement>(null);

  useEffect(() => preloadCognito(settings), [settings]);
  useEffect(() => firstField.current?.focus(), [step.kind]);

  const advance = (next: SignInStep) => {
    switch (next.kind) {
      case 'signed-in':
        onSignedIn(next.session);
        return;
      case 'new-password-required':
        setStep({ kind: 'new-password', username: next.username, challengeSession: next.challengeSession });
        setError(undefined);
        return;
      case 'mfa-required':
        setStep({ kind: 'mfa', username: next.username, challengeSession: next.challengeSession });
        setError(undefined);
        return;
      case 'failed':
        setError(next.message);
        setFailures((count) => count + 1);
        firstField.current?.focus();
        return;
    }
  };

  const run = (event: FormEvent<HTMLFormElement>, action: () => Promise<SignInStep> | SignInStep) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    void Promise.resolve(action()).then(advance).finally(() => setBusy(false));
  };

  const submitCredentials = (event: FormEvent<HTMLFormElement>) => run(event, () => {
    if (username.trim() === '' || password === '') {
      return { kind: 'failed', message: 'Enter your username and password.' };
    }
    return signIn(settings, username.trim(), password);
  });
  const submitNewPassword = (event: FormEvent<HTMLFormElement>) => run(event, () => {
    if (step.kind !== 'new-password') return { kind: 'failed', message: 'Start again.' };
    if (newPassword !== confirmPassword) return { kind: 'failed', message: 'The two new passwords differ.' };
    return completeNewPassword(settings, step.username, step.challengeSession, newPassword);
  });
  const submitCode = (event: FormEvent<HTMLFormElement>) => run(event, () => {
    if (step.kind !== 'mfa') return { kind: 'failed', message: 'Start again.' };
    if (!/^\d{6}$/.test(code.trim())) return { kind: 'failed', message: 'Enter the 6-digit code from your authenticator app.' };
    return answerMfa(settings, step.username, step.challengeSession, code.trim());
  });
  const startAgain = () => {
    setStep({ kind: 'credentials' });
    setPassword('');
    setNewPassword('');
    setConfirmPassword('');
    setCode('');
    setError(undefined);
  };

  return (
    <section className="container sign-in" aria-labelledby="sign-in-heading">
      <div className="container__header">
        <h2 id="sign-in-heading">{step.kind === 'new-password' ? 'Choose a new password' : step.kind === 'mfa' ? 'Enter your code' : 'Sign in'}</h2>
      </div>
      <div className="container__body">
        {notice !== undefined && step.kind === 'credentials' && (
          <p className="alert__note" role="status" data-testid="sign-in-notice"><InfoIcon /><span>{notice}</span></p>
        )}
        {error !== undefined && (
          <div key={failures} className="alert alert--error" role="alert" data-testid="sign-in-error">
            <p className="alert__title"><ErrorIcon /> {error}</p>
          </div>
        )}

        {step.kind === 'credentials' && (
          <form className="sign-in__form" noValidate onSubmit={submitCredentials} aria-busy={busy}>
            <p className="muted">Sign in with the account an administrator created for you. There is no self sign-up.</p>
            <div className="form-field">
              <label htmlFor="username">Username or e-mail</label>
              <input id="username" name="username" type="text" ref={firstField} value={username} autoComplete="username"
                autoCapitalize="none" spellCheck={false} disabled={busy} onChange={(event) => setUsername(event.target.value)} />
            </div>
            <div className="form-field">
              <label htmlFor="password">Password</label>
              <input id="password" name="password" type="password" value={password} autoComplete="current-password"
                disabled={busy} onChange={(event) => setPassword(event.target.value)} />
            </div>
            <div className="form-actions">
              <button type="submit" className="btn btn--primary" disabled={busy}>{busy && <Spinner />}Sign in</button>
            </div>
          </form>
        )}

        {step.kind === 'new-password' && (
          <form className="sign-in__form" noValidate onSubmit={submitNewPassword} aria-busy={busy}>
            {/* For password managers: which account the new password belongs to. */}
            <input type="text" name="username" autoComplete="username" value={step.username} readOnly hidden />
            <p className="muted" id="new-password-hint">
              Your account has a temporary password. Choose your own: at least 12 characters, with upper- and lower-case
              letters, a digit and a symbol.
            </p>
            <div className="form-field">
              <label htmlFor="new-password">New password</label>
              <input id="new-password" name="new-password" type="password" ref={firstField} value={newPassword}
                autoComplete="new-password" aria-describedby="new-password-hint" disabled={busy}
                onChange={(event) => setNewPassword(event.target.value)} />
            </div>
            <div className="form-field">
              <label htmlFor="confirm-password">Repeat the new password</label>
              <input id="confirm-password" name="confirm-password" type="password" value={confirmPassword}
                autoComplete="new-password" disabled={busy} onChange={(event) => setConfirmPassword(event.target.value)} />
            </div>
            <div className="form-actions">
              <button type="button" className="btn btn--link" disabled={busy} onClick={startAgain}>Start again</button>
              <button type="submit" className="btn btn--primary" disabled={busy}>{busy && <Spinner />}Set password and sign in</button>
            </div>
          </form>
        )}

        {step.kind === 'mfa' && (
          <form className="sign-in__form" noValidate onSubmit={submitCode} aria-busy={busy}>
            <p className="muted" id="code-hint">Enter the 6-digit code your authenticator app shows for this account.</p>
            <div className="form-field">
              <label htmlFor="mfa-code">Code</label>
              <input id="mfa-code" name="mfa-code" type="text" inputMode="numeric" ref={firstField} value={code}
                autoComplete="one-time-code" maxLength={6} aria-describedby="code-hint" disabled={busy}
                onChange={(event) => setCode(event.target.value)} />
            </div>
            <div className="form-actions">
              <button type="button" className="btn btn--link" disabled={busy} onClick={startAgain}>Start again</button>
              <button type="submit" className="btn btn--primary" disabled={busy}>{busy && <Spinner />}Verify</button>
            </div>
          </form>
        )}
      </div>
    </section>
  );
}
