import { useEffect, useState } from 'react';

/**
 * Whether an element has come within `margin` of the viewport (once true, it stays true), and the
 * callback ref to put on that element. A part of the page below the fold is loaded and rendered
 * only when the user scrolls towards it: on a phone the orders table is, and its code would
 * otherwise compete with the order form's. A callback ref, because the element may appear
 * later (after sign-in). Without IntersectionObserver, true at once.
 */
export function useNearViewport(margin = '0px'): [(element: Element | null) => void, boolean] {
  const [element, setElement] = useState<Element | null>(null);
  const [near, setNear] = useState(() => typeof IntersectionObserver === 'undefined');
  useEffect(() => {
    if (near || element === null) return undefined;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) {
        observer.disconnect();
        setNear(true);
      }
    }, { rootMargin: margin });
    observer.observe(element);
    return () => observer.disconnect();
  }, [element, margin, near]);
  return [setElement, near];
}
