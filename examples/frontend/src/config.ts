/**
 * Where the app sends orders and what it shows in the header.
 *
 * Build time: `VITE_API_URL`, `VITE_ENV_NAME`, `VITE_AWS_REGION` (e.g. in `.env.local`).
 * Run time: `/config.json` next to index.html overrides them field by field. The CDK app
 * writes that file at deploy time, so one build serves every environment.
 */
export interface AppConfig {
  /** Base URL of the API stage (`https://…/prod/`); orders go to `<apiUrl>/orders`. Empty when unknown. */
  readonly apiUrl: string;
  readonly envName: string;
  readonly region: string;
  /** Where `apiUrl` came from, shown in the footer to make misconfiguration obvious. */
  readonly source: 'build' | 'config.json';
}

/** The fields `/config.json` may set; anything else in the file is ignored. */
const RUNTIME_FIELDS = ['apiUrl', 'envName', 'region'] as const;

export function buildTimeConfig(env: Record<string, string | boolean | undefined> = import.meta.env): AppConfig {
  const text = (name: string, fallback: string) => {
    const value = env[name];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : fallback;
  };
  return {
    apiUrl: text('VITE_API_URL', ''),
    envName: text('VITE_ENV_NAME', 'dev'),
    region: text('VITE_AWS_REGION', 'us-east-1'),
    source: 'build',
  };
}

/** Applies the string fields of a parsed config.json over `base`. */
export function mergeRuntimeConfig(base: AppConfig, runtime: unknown): AppConfig {
  if (typeof runtime !== 'object' || runtime === null || Array.isArray(runtime)) {
    return base;
  }
  const overrides: Partial<Record<(typeof RUNTIME_FIELDS)[number], string>> = {};
  for (const field of RUNTIME_FIELDS) {
    const value = (runtime as Record<string, unknown>)[field];
    if (typeof value === 'string' && value.trim() !== '') {
      overrides[field] = value.trim();
    }
  }
  return { ...base, ...overrides, source: Object.keys(overrides).length > 0 ? 'config.json' : base.source };
}

/**
 * Reads `/config.json` if the host serves one. A missing file is normal (`npm run frontend:dev`);
 * so is getting index.html back instead (SPA fallbacks on CloudFront and in Vite's dev server),
 * which is why the body is parsed defensively rather than trusted because of a 200.
 */
export async function loadConfig(timeoutMs = 3000): Promise<AppConfig> {
  const base = buildTimeConfig();
  try {
    const response = await fetch(`${import.meta.env.BASE_URL}config.json`, {
      cache: 'no-store',
      headers: { Accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) {
      return base;
    }
    return mergeRuntimeConfig(base, JSON.parse(await response.text()));
  } catch {
    return base;
  }
}
