/**
 * Imported first by main.tsx, before any schema exists. zod 4 probes whether it may compile
 * parsers with `new Function` (its JIT); under the site's CSP (`script-src 'self'`, no
 * 'unsafe-eval') that probe is a CSP violation the browser reports on every load. jitless
 * skips the probe and the JIT: the order form's small schema parses just as fast without it.
 */
import { config } from 'zod/v4/core';

config({ jitless: true });
