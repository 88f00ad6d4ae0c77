/** Powertools, configured once per cold start and shared by every handler. */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { instrumentClients } from '../../core/aws/clients';
import { config } from '../../core/config';
import { serviceMetrics, serviceName } from '../../core/topology';

const service = config.powertoolsServiceName() ?? serviceName;

export const logger = new Logger({ serviceName: service });

/**
 * X-Ray (the functions run with active tracing). Off outside Lambda and where
 * POWERTOOLS_TRACE_ENABLED=false (the local cloud), so no X-Ray daemon is ever needed.
 */
export const tracer = new Tracer({ serviceName: service });

/** CloudWatch metrics as EMF log lines, under the service's namespace (topology `serviceMetrics`). */
export const metrics = new Metrics({ namespace: serviceMetrics.namespace, serviceName: service });

// Every AWS SDK call a handler makes becomes a subsegment of its trace.
if (tracer.isTracingEnabled()) instrumentClients((client) => tracer.captureAWSv3Client(client));
