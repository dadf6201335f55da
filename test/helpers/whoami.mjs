// A plain SDK call with only the environment's credentials, as any AWS tool would make it.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

const client = new STSClient({ region: process.env.AWS_REGION, endpoint: process.env.AWS_ENDPOINT_URL_STS });
const identity = await client.send(new GetCallerIdentityCommand({}));
process.stdout.write(identity.Arn ?? '');
