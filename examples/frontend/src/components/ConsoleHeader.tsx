import TopNavigation from '@cloudscape-design/components/top-navigation';
import { memo } from 'react';
import type { AuthSession } from '../auth/session';

interface ConsoleHeaderProps {
  /** The signed-in user; undefined when signed out or when the API needs no sign-in. */
  readonly session?: AuthSession;
  readonly onSignOut?: () => void;
}

/**
 * The console's top bar: the product, and who is signed in (with Sign out). Memoized: the page
 * re-renders on every poll of the orders list, and TopNavigation measures itself on each render.
 */
export const ConsoleHeader = memo(function ConsoleHeader({ session, onSignOut }: ConsoleHeaderProps) {
  return (
    // TopNavigation renders the banner landmark itself.
    <div id="top-navigation">
      <TopNavigation
        identity={{ href: '#main', title: 'AWS Orders Workflow' }}
        utilities={session === undefined || onSignOut === undefined ? [] : [{
          type: 'menu-dropdown',
          text: session.username,
          description: session.groups.length > 0 ? `Groups: ${session.groups.join(', ')}` : undefined,
          iconName: 'user-profile',
          items: [{ id: 'sign-out', text: 'Sign out' }],
          onItemClick: ({ detail }) => detail.id === 'sign-out' && onSignOut(),
        }]}
        i18nStrings={{ overflowMenuTriggerText: 'More', overflowMenuTitleText: 'All' }}
      />
    </div>
  );
});
