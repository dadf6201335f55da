import type { Partition } from './types.js';

/** A region that belongs to each partition, for when the configured one is from another. */
const HOME_REGION: Record<Partition, string> = { aws: 'us-east-1', 'aws-us-gov': 'us-gov-west-1', 'aws-cn': 'cn-north-1' };

export function regionPartition(region: string): Partition {
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('cn-')) return 'aws-cn';
  return 'aws';
}

export function partitionOfArn(arn: string): Partition {
  const partition = arn.split(':')[1];
  return partition === 'aws-us-gov' || partition === 'aws-cn' ? partition : 'aws';
}

/** The configured region when it is in the role's partition, else the partition's home region. */
export function regionFor(partition: Partition, preferred: string | undefined): string {
  if (preferred && regionPartition(preferred) === partition) return preferred;
  return HOME_REGION[partition];
}
