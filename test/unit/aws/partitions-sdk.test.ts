import { describe, expect, it, vi } from 'vitest';
import { partitionOfArn, regionFor, regionPartition } from '../../../src/aws/partitions.js';
import { loadSts, stsEndpointUrl, stsRequestHandler } from '../../../src/aws/sdk.js';
import { rfc3339 } from '../../../src/lib/time.js';
import { appHome, cacheDir, configFile, credentialsFile, settingsFile, stateFile } from '../../../src/lib/paths.js';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

describe('partitions', () => {
  it.each([
    ['us-gov-west-1', 'aws-us-gov'],
    ['cn-north-1', 'aws-cn'],
    ['eu-west-1', 'aws'],
    ['us-east-1', 'aws'],
  ] as const)('%s is in %s', (region, partition) => {
    expect(regionPartition(region)).toBe(partition);
  });

  it.each([
    ['arn:aws:iam::1:role/a', 'aws'],
    ['arn:aws-us-gov:iam::1:role/a', 'aws-us-gov'],
    ['arn:aws-cn:iam::1:role/a', 'aws-cn'],
    ['arn:aws-iso:iam::1:role/a', 'aws'],
  ] as const)('%s → %s', (arn, partition) => {
    expect(partitionOfArn(arn)).toBe(partition);
  });

  it('uses the configured region inside its partition, else the partition home region', () => {
    expect(regionFor('aws', 'eu-west-1')).toBe('eu-west-1');
    expect(regionFor('aws', undefined)).toBe('us-east-1');
    expect(regionFor('aws', 'us-gov-east-1')).toBe('us-east-1');
    expect(regionFor('aws-us-gov', 'us-gov-east-1')).toBe('us-gov-east-1');
    expect(regionFor('aws-us-gov', 'eu-west-1')).toBe('us-gov-west-1');
    expect(regionFor('aws-cn', 'eu-west-1')).toBe('cn-north-1');
    expect(regionFor('aws-cn', 'cn-northwest-1')).toBe('cn-northwest-1');
  });
});

describe('STS endpoints and client', () => {
  it('follows the SDK: AWS_ENDPOINT_URL_STS, then AWS_ENDPOINT_URL, then the regional endpoint', () => {
    expect(stsEndpointUrl('eu-west-1', { AWS_ENDPOINT_URL_STS: 'http://sts.local', AWS_ENDPOINT_URL: 'http://all.local' })).toBe('http://sts.local');
    expect(stsEndpointUrl('eu-west-1', { AWS_ENDPOINT_URL: 'http://all.local' })).toBe('http://all.local');
    expect(stsEndpointUrl('eu-west-1', {})).toBe('https://sts.eu-west-1.amazonaws.com');
    expect(stsEndpointUrl('cn-north-1', {})).toBe('https://sts.cn-north-1.amazonaws.com.cn');
    expect(stsEndpointUrl('us-gov-west-1', { AWS_ENDPOINT_URL_STS: '' })).toBe('https://sts.us-gov-west-1.amazonaws.com');
  });

  it('loads the STS client with the Node-version notice switched off', async () => {
    delete process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED; // the test config sets it for test code
    const sts = await loadSts();
    expect(typeof sts.STSClient).toBe('function');
    expect(process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBe('true');
  });

  it('gives the request handler our timeout, and the proxy agent when one is set', async () => {
    const direct = await stsRequestHandler({ OKTA_AWS_HTTP_TIMEOUT: '7' }, 'https://sts.eu-west-1.amazonaws.com');
    const config = await (direct.inner as unknown as { configProvider: Promise<Record<string, unknown>> }).configProvider;
    expect(config).toMatchObject({ connectionTimeout: 7_000, requestTimeout: 7_000, throwOnRequestTimeout: true });
    expect((config.httpsAgent as object).constructor.name).toBe('Agent');
    vi.stubEnv('HTTPS_PROXY', 'http://proxy.example:3128');
    try {
      const proxied = await stsRequestHandler({ HTTPS_PROXY: 'http://proxy.example:3128' }, 'https://sts.eu-west-1.amazonaws.com');
      const proxiedConfig = await (proxied.inner as unknown as { configProvider: Promise<Record<string, unknown>> }).configProvider;
      expect((proxiedConfig.httpsAgent as object).constructor.name).toBe('HttpsProxyAgent');
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('paths', () => {
  it('puts everything under OKTA_AWS_HOME, or ~/.aws/okta-aws', () => {
    const env = { OKTA_AWS_HOME: 'rel/home' };
    expect(appHome(env)).toBe(resolve('rel/home'));
    expect(settingsFile(env)).toBe(join(resolve('rel/home'), 'settings.json'));
    expect(stateFile(env)).toBe(join(resolve('rel/home'), 'state.json'));
    expect(cacheDir(env)).toBe(join(resolve('rel/home'), 'cache'));
    expect(appHome({})).toBe(join(homedir(), '.aws', 'okta-aws'));
  });

  it('honours the AWS variables for the credentials and config files', () => {
    expect(credentialsFile({ AWS_SHARED_CREDENTIALS_FILE: 'c' })).toBe(resolve('c'));
    expect(credentialsFile({})).toBe(join(homedir(), '.aws', 'credentials'));
    expect(configFile({ AWS_CONFIG_FILE: 'k' })).toBe(resolve('k'));
    expect(configFile({})).toBe(join(homedir(), '.aws', 'config'));
  });
});

describe('rfc3339', () => {
  it('drops the milliseconds', () => {
    expect(rfc3339(new Date('2026-01-01T00:00:00.123Z'))).toBe('2026-01-01T00:00:00Z');
    expect(rfc3339(new Date('2026-06-30T23:59:59Z'))).toBe('2026-06-30T23:59:59Z');
  });
});
