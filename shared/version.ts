/** Reported by /health; the release pipeline may override it through the environment. */
export const SERVICE_VERSION = process.env.RECTIFY_VERSION ?? '0.1.0';
