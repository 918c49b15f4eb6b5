/**
 * The page's entry. index.html already holds the first screen (first-screen.tsx) and names its
 * stylesheets. The app (main.tsx) is fetched and run only once the browser has painted that
 * screen: on a phone its code would otherwise compete with the CSS for the network and with the
 * first paint for the CPU, and the page would stay blank until the code had run.
 */
let started = false;
const start = () => {
  if (started) return;
  started = true;
  void import('./main');
};

if (typeof PerformanceObserver !== 'undefined' && PerformanceObserver.supportedEntryTypes?.includes('paint')) {
  new PerformanceObserver((list, observer) => {
    if (list.getEntriesByName('first-contentful-paint').length > 0) {
      observer.disconnect();
      start();
    }
  }).observe({ type: 'paint', buffered: true });
} else {
  requestAnimationFrame(() => setTimeout(start, 0));
}
// A tab opened in the background paints nothing until it is shown; the app must not wait for that.
setTimeout(start, 3_000);
