// Run under `okta-aws exec --server`: reports what the child sees — its environment, the server's
// answers to right and wrong requests, and a plain AWS SDK call that finds credentials by itself.
import { request } from 'node:http';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

const uri = new URL(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI);
const token = process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN;

function get(path, headers) {
  return new Promise((resolve, reject) => {
    const req = request({ host: uri.hostname, port: uri.port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const names = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'OKTA_AWS_PASSWORD', 'OKTA_AWS_TOTP_SECRET'];
const result = {
  present: names.filter((n) => process.env[n] !== undefined),
  uri: uri.href,
  token,
  region: process.env.AWS_REGION,
  right: await get(uri.pathname, { authorization: token }),
  wrong: await get(uri.pathname, { authorization: `${token.slice(0, -1)}x` }),
  missing: await get(uri.pathname, {}),
  foreignHost: await get(uri.pathname, { authorization: token, host: `evil.example:${uri.port}` }),
  otherPath: await get('/other', { authorization: token }),
};
const client = new STSClient({ region: process.env.AWS_REGION, endpoint: process.env.AWS_ENDPOINT_URL_STS });
result.sdkArn = (await client.send(new GetCallerIdentityCommand({}))).Arn;
process.stdout.write(JSON.stringify(result));
