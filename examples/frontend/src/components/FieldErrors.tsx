import { ErrorIcon } from './icons';

interface FieldErrorsProps {
  /** Referenced by the field's aria-describedby. */
  readonly id: string;
  readonly messages?: readonly string[];
}

/** The messages under one field (or the items list); renders nothing when there are none. */
export function FieldErrors({ id, messages }: FieldErrorsProps) {
  if (messages === undefined || messages.length === 0) {
    return null;
  }
  return (
    <div id={id} className="field-error">
      {messages.map((message) => (
        <p key={message}>
          <ErrorIcon />
          <span>{sentence(message)}</span>
        </p>
      ))}
    </div>
  );
}

/** The shared rules phrase messages as predicates ("must not be empty"); show them as sentences. */
export function sentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}
