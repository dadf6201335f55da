import { Flags } from '@oclif/core';
import type { ChainRequest } from '../services/role-credentials.js';

/** Role chaining, shared by assume, exec and console-url. */
export const chainFlags = {
  'role-arn': Flags.string({ description: 'Assume this role from the chosen Okta role (role chaining, at most 1 hour).', helpGroup: 'ROLE CHAINING' }),
  'external-id': Flags.string({ description: 'ExternalId the chained role requires.', dependsOn: ['role-arn'], helpGroup: 'ROLE CHAINING' }),
  'session-name': Flags.string({ description: 'RoleSessionName for the chained role.', dependsOn: ['role-arn'], helpGroup: 'ROLE CHAINING' }),
};

/** assume and exec: how long the chained role's credentials last. */
export const chainDurationFlag = {
  duration: Flags.integer({ description: 'Seconds for the chained role (900–3600; AWS caps role chaining at 1 hour).', dependsOn: ['role-arn'], helpGroup: 'ROLE CHAINING' }),
};

export function chainRequest(flags: { 'role-arn'?: string; 'external-id'?: string; 'session-name'?: string; duration?: number }): ChainRequest | undefined {
  if (!flags['role-arn']) return undefined;
  return {
    roleArn: flags['role-arn'],
    ...(flags['external-id'] === undefined ? {} : { externalId: flags['external-id'] }),
    ...(flags['session-name'] === undefined ? {} : { sessionName: flags['session-name'] }),
    ...(flags.duration === undefined ? {} : { durationSeconds: flags.duration }),
  };
}
