import { Transform, type Readable, type TransformCallback } from 'node:stream';
import type { NodeHttpHandler, NodeHttpHandlerOptions } from '@smithy/node-http-handler';
import { UserError } from '../lib/errors.js';
import { MAX_BODY_BYTES, proxyAgents, timeoutFromEnv } from '../lib/http.js';
import { requireCjs } from '../lib/require-cjs.js';

/**
 * The STS client module, loaded on demand (it is the heaviest import here). The SDK's notice that
 * its 2027 releases need Node 22 would be noise on every run: the lock file pins a version that
 * supports the Node 20 this package declares, so it is switched off.
 */
export async function loadSts(): Promise<typeof import('@aws-sdk/client-sts')> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return requireCjs('@aws-sdk/client-sts') as typeof import('@aws-sdk/client-sts');
}

/** Where the SDK will send STS calls: the same rule it applies (endpoint overrides, then regional). */
export function stsEndpointUrl(region: string, env: NodeJS.ProcessEnv): string {
  return env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL || `https://sts.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}

/** An HTTP handler with our timeout, capped bodies and, when configured, the proxy (the SDK ignores HTTPS_PROXY). */
export async function stsRequestHandler(env: NodeJS.ProcessEnv, endpoint: string): Promise<CappedBodies> {
  const { NodeHttpHandler } = requireCjs('@smithy/node-http-handler') as typeof import('@smithy/node-http-handler');
  const agentFor = await proxyAgents(env);
  const timeout = timeoutFromEnv(env);
  const agent = agentFor?.(endpoint);
  const inner = new NodeHttpHandler({
    connectionTimeout: timeout,
    requestTimeout: timeout,
    // Without this smithy only logs a warning when the timeout passes, and a silent STS hangs the run.
    throwOnRequestTimeout: true,
    ...(agent ? { httpAgent: agent, httpsAgent: agent } : {}),
  });
  return new CappedBodies(inner, MAX_BODY_BYTES, timeout);
}

/**
 * smithy's handler with a limit on each response body: smithy's requestTimeout ends when the
 * headers arrive, and it reads whatever size comes. A body past `maxBytes` fails as one UserError;
 * a body that stalls for `idleMs` fails as smithy's own TimeoutError does, so sts.ts says "No
 * answer from STS … within N s" for both.
 */
type Handle = NodeHttpHandler['handle'];

export class CappedBodies {
  readonly metadata: NodeHttpHandler['metadata'];

  constructor(
    readonly inner: NodeHttpHandler,
    private readonly maxBytes: number,
    private readonly idleMs: number,
  ) {
    this.metadata = inner.metadata;
  }

  async handle(...[request, options]: Parameters<Handle>): ReturnType<Handle> {
    const { response } = await this.inner.handle(request, options);
    const host = `${request.hostname}${request.port ? `:${request.port}` : ''}`;
    response.body = capBody(response.body as Readable, host, this.maxBytes, this.idleMs);
    return { response };
  }

  updateHttpClientConfig(key: keyof NodeHttpHandlerOptions, value: NodeHttpHandlerOptions[typeof key]): void {
    this.inner.updateHttpClientConfig(key, value);
  }

  httpHandlerConfigs(): NodeHttpHandlerOptions {
    return this.inner.httpHandlerConfigs();
  }

  destroy(): void {
    this.inner.destroy();
  }
}

/** `body` passed through, failing past `maxBytes` or after `idleMs` without a byte; the socket is destroyed either way. */
export function capBody(body: Readable, host: string, maxBytes: number, idleMs: number): Transform {
  let seen = 0;
  let idle: NodeJS.Timeout | undefined;
  const fail = (error: Error) => {
    clearTimeout(idle);
    body.destroy();
    capped.destroy(error);
  };
  const arm = () => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      const error = new Error(`No byte of the answer from ${host} for ${idleMs} ms`);
      error.name = 'TimeoutError';
      fail(error);
    }, idleMs);
  };
  const capped = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      seen += chunk.length;
      if (seen > maxBytes) {
        fail(
          new UserError(`${host} sent an answer larger than ${Math.round(maxBytes / (1024 * 1024))} MB; okta-aws stopped reading it`, {
            hint: 'Check AWS_ENDPOINT_URL_STS and any proxy in between; STS answers are far smaller.',
            code: 'TOO_LARGE',
          }),
        );
        return;
      }
      arm();
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      clearTimeout(idle);
      callback();
    },
  });
  body.on('error', (error) => fail(error));
  capped.on('close', () => clearTimeout(idle));
  arm();
  return body.pipe(capped);
}
