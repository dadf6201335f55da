import type { HttpClient } from '../lib/http.js';
import { debug } from '../lib/log.js';
import { readState, updateState } from '../lib/state.js';

/**
 * The org's engine from `/.well-known/okta-organization`: `idx` (Identity Engine) or `v1`
 * (Classic), read once per origin and remembered in state.json. Undefined when it cannot be told
 * (an old org or a proxy): the caller then keeps its own error.
 */
export async function orgPipeline(http: HttpClient, origin: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const remembered = (await readState(env)).org_pipelines?.[origin];
  if (remembered) return remembered;
  let body: { pipeline?: unknown } | null | undefined;
  try {
    const response = await http.fetch(`${origin}/.well-known/okta-organization`, { headers: { Accept: 'application/json' } });
    body = response.status === 200 ? (JSON.parse(await response.text()) as { pipeline?: unknown } | null) : undefined;
  } catch (error) {
    debug(`could not read ${origin}/.well-known/okta-organization: ${(error as Error).message}`);
    return undefined;
  }
  const pipeline = body?.pipeline === 'idx' || body?.pipeline === 'v1' ? body.pipeline : undefined;
  if (pipeline) {
    await updateState((state) => {
      state.org_pipelines = { ...state.org_pipelines, [origin]: pipeline };
    }, env);
  }
  return pipeline;
}
