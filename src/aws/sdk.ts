import type { NodeHttpHandler } from '@smithy/node-http-handler';
import { proxyAgents, timeoutFromEnv } from '../lib/http.js';

/**
 * The STS client module, loaded on demand (it is the heaviest import here). The SDK's notice that
 * its 2027 releases need Node 22 would be noise on every run: the lock file pins a version that
 * supports the Node 20 this package declares, so it is switched off.
 */
export async function loadSts(): Promise<typeof import('@aws-sdk/client-sts')> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return import('@aws-sdk/client-sts');
}

/** Where the SDK will send STS calls: the same rule it applies (endpoint overrides, then regional). */
export function stsEndpointUrl(region: string, env: NodeJS.ProcessEnv): string {
  return env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL || `https://sts.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}

/** An HTTP handler with our timeout and, when configured, the proxy (the SDK ignores HTTPS_PROXY). */
export async function stsRequestHandler(env: NodeJS.ProcessEnv, endpoint: string): Promise<NodeHttpHandler> {
  const [{ NodeHttpHandler }, agentFor] = await Promise.all([import('@smithy/node-http-handler'), proxyAgents(env)]);
  const timeout = timeoutFromEnv(env);
  const agent = agentFor?.(endpoint);
  return new NodeHttpHandler({
    connectionTimeout: timeout,
    requestTimeout: timeout,
    // Without this smithy only logs a warning when the timeout passes, and a silent STS hangs the run.
    throwOnRequestTimeout: true,
    ...(agent ? { httpAgent: agent, httpsAgent: agent } : {}),
  });
}
