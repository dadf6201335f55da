export type Partition = 'aws' | 'aws-us-gov' | 'aws-cn';

/** Temporary AWS credentials as STS returns them. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** One role the SAML assertion grants, with the name of the profile it maps to. */
export interface GrantedRole {
  profile: string;
  roleArn: string;
  principalArn: string;
  accountId: string;
  roleName: string;
  partition: Partition;
  /** The account's alias (settings' account_aliases, else the AWS sign-in page), when it has one. */
  accountAlias?: string;
}

/** Credentials for one profile, and where they came from. */
export interface ProfileCredentials extends AwsCredentials {
  profile: string;
  roleArn: string;
  region: string;
  partition: Partition;
  /** True for credentials from AssumeRole (role chaining): the console refuses SessionDuration for them. */
  chained: boolean;
}
