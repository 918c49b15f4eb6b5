/**
 * The API's authorization mode, as the API function reads it from `AUTHORIZATION_MODE`
 * (lambda/api/caller.ts) and as `detail.submittedBy.type` names it (except `none`, which has
 * no caller to name). One list for the construct and the handler.
 */
export const AUTHORIZATION_MODES = ['none', 'iam', 'apiKey', 'cognito'] as const;

export type AuthorizationMode = (typeof AUTHORIZATION_MODES)[number];

/** Environment variable of the API function that carries the mode. */
export const AUTHORIZATION_MODE_ENV = 'AUTHORIZATION_MODE';
