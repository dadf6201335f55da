import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvStore, SECRET_VARIABLES } from '../../../src/stores/env-store.js';
import { FileStore } from '../../../src/stores/file-store.js';
import { MemoryStore } from '../../helpers/memory-store.js';
import { secretStoreContract } from './contract.js';

/** One OKTA_AWS_HOME per test, made on first use, so reopening a store finds the same files. */
function tempHome() {
  let dir: string | undefined;
  return {
    async env(): Promise<NodeJS.ProcessEnv> {
      dir ??= await mkdtemp(join(tmpdir(), 'okta-aws-store-'));
      return { OKTA_AWS_HOME: join(dir, 'home') };
    },
    async cleanup() {
      if (dir) await rm(dir, { recursive: true, force: true });
      dir = undefined;
    },
  };
}

const fileHome = tempHome();
secretStoreContract('file', {
  open: async () => new FileStore(await fileHome.env()),
  cleanup: fileHome.cleanup,
  singleUser: true,
});

let memory: MemoryStore | undefined;
secretStoreContract('memory (test helper)', {
  open: async () => (memory ??= new MemoryStore()),
  cleanup: async () => {
    memory = undefined;
  },
});

secretStoreContract('env', {
  open: async (seed) => {
    const env: NodeJS.ProcessEnv = {};
    for (const { user, name, value } of seed) {
      if (name === 'okta_session' || name === 'oauth_refresh_token') continue;
      env.OKTA_AWS_USERNAME = user;
      env[SECRET_VARIABLES[name]] = value;
    }
    return new EnvStore(env);
  },
  readOnly: true,
  singleUser: true,
});
