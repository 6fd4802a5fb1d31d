import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * One logger and one metrics instance per execution environment. Service name, log level and
 * namespace come from the Powertools environment variables that ServiceFunction sets (and the
 * local runtime sets to quieter values).
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'rectify' });

export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Rectify',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'rectify',
});
