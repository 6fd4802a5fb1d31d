/**
 * Put in place of `@aws-sdk/credential-provider-node` in every function bundle
 * (constructs/service-function.ts). Lambda hands a function its role's credentials in the
 * environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), which is where the
 * SDK's default chain finds them first there anyway; the rest of that chain (SSO, profiles, STS
 * web identity, instance metadata) can never apply in Lambda and cost each bundle ~100 KB.
 * Code run outside a bundle (the local runtime, tests, the CLI) keeps the full default chain.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (_init?: unknown) => fromEnv();
