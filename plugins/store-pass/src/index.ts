import type { SecretStoreHook } from 'okta-aws-credential-helper/store-api';
import { PassStore } from './pass-store.js';

/** The `okta-aws:secret-store` hook: one store, `pass`. Constructing it does no I/O. */
const offerStores: SecretStoreHook = ({ env }) => [new PassStore(env)];

export default offerStores;
