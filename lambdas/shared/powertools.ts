/** Powertools, configured once per cold start and shared by every handler. */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'elastic-caffe' });
