import { randomBytes } from 'node:crypto';

/** `job_20261124_221500_a1b2c3`: sortable by time, unique by the random suffix. */
export function generateJobId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);
  return `job_${stamp}_${randomBytes(3).toString('hex')}`;
}
