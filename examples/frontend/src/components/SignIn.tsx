import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input, { type InputProps } from '@cloudscape-design/components/input';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import { answerMfa, completeNewPassword, preloadCognito, signIn, type SignInStep } from '../auth/cognito';
import type { AuthSession } from '../auth/session';
import type { CognitoSettings } from '../config';

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
  const firstField = useRef<InputProps.Ref>(null);

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

  const title = step.kind === 'new-password' ? 'Choose a new password' : step.kind === 'mfa' ? 'Enter your code' : 'Sign in';
  const actions = (submitText: string, withStartAgain: boolean) => (
    <SpaceBetween direction="horizontal" size="xs">
      {withStartAgain && <Button formAction="none" variant="link" onClick={() => !busy && startAgain()}>Start again</Button>}
      <Button variant="primary" loading={busy} loadingText="Signing in">{submitText}</Button>
    </SpaceBetween>
  );
  const form = (onSubmit: (event: FormEvent<HTMLFormElement>) => void, submitText: string, withStartAgain: boolean, fields: ReactNode) => (
    <form noValidate onSubmit={onSubmit} aria-busy={busy}>
      <Form actions={actions(submitText, withStartAgain)}>
        <SpaceBetween size="m">{fields}</SpaceBetween>
      </Form>
    </form>
  );

  return (
    <Container header={<Header variant="h2">{title}</Header>}>
      <SpaceBetween size="m">
        {notice !== undefined && step.kind === 'credentials' && (
          <div role="status" data-testid="sign-in-notice"><Alert type="info">{notice}</Alert></div>
        )}
        {error !== undefined && (
          <div key={failures} role="alert" data-testid="sign-in-error"><Alert type="error">{error}</Alert></div>
        )}

        {step.kind === 'credentials' && form(submitCredentials, 'Sign in', false, <>
          <Box color="text-body-secondary">Sign in with the account an administrator created for you. There is no self sign-up.</Box>
          <FormField label="Username or e-mail" controlId="username">
            <Input ref={firstField} value={username} autoComplete="username" spellcheck={false} readOnly={busy}
              onChange={({ detail }) => setUsername(detail.value)} />
          </FormField>
          <FormField label="Password" controlId="password">
            <Input type="password" value={password} autoComplete="current-password" readOnly={busy}
              onChange={({ detail }) => setPassword(detail.value)} />
          </FormField>
        </>)}

        {step.kind === 'new-password' && form(submitNewPassword, 'Set password and sign in', true, <>
          {/* For password managers: which account the new password belongs to. */}
          <input type="text" name="username" autoComplete="username" value={step.username} readOnly hidden />
          <FormField label="New password" controlId="new-password"
            description="Your account has a temporary password. Choose your own: at least 12 characters, with upper- and lower-case letters, a digit and a symbol.">
            <Input ref={firstField} type="password" value={newPassword} autoComplete="new-password" readOnly={busy}
              onChange={({ detail }) => setNewPassword(detail.value)} />
          </FormField>
          <FormField label="Repeat the new password" controlId="confirm-password">
            <Input type="password" value={confirmPassword} autoComplete="new-password" readOnly={busy}
              onChange={({ detail }) => setConfirmPassword(detail.value)} />
          </FormField>
        </>)}

        {step.kind === 'mfa' && form(submitCode, 'Verify', true, <>
          <FormField label="Code" controlId="mfa-code" description="Enter the 6-digit code your authenticator app shows for this account.">
            <Input ref={firstField} value={code} inputMode="numeric" autoComplete="one-time-code" readOnly={busy}
              onChange={({ detail }) => setCode(detail.value.slice(0, 6))} />
          </FormField>
        </>)}
      </SpaceBetween>
    </Container>
  );
}
