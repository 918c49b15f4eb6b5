import CopyToClipboard from '@cloudscape-design/components/copy-to-clipboard';

interface CopyableIdProps {
  /** "Order ID", "Event ID": names the copy button for screen readers. */
  readonly label: string;
  readonly value: string;
  readonly testId?: string;
}

/** An id in monospace with its copy button. */
export function CopyableId({ label, value, testId }: CopyableIdProps) {
  return (
    <span data-testid={testId} data-value={value}>
      <CopyToClipboard variant="inline" textToCopy={value} copyButtonAriaLabel={`Copy ${label.toLowerCase()} ${value}`}
        copySuccessText={`${label} copied`} copyErrorText={`${label} not copied`} />
    </span>
  );
}
