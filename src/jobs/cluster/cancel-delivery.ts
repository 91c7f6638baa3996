import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Written in a job's work dir once the scheduler accepted our cancel, so that after a restart a job that ends
 * as EXIT/failed is still known to have been cancelled by us (see clusterFinalStatus).
 */
export const CANCEL_DELIVERED_FILE = 'cancel_delivered';

export async function markCancelDelivered(workDir: string): Promise<void> {
  await writeFile(join(workDir, CANCEL_DELIVERED_FILE), `${new Date().toISOString()}\n`).catch(() => undefined);
}

export async function wasCancelDelivered(workDir: string): Promise<boolean> {
  return access(join(workDir, CANCEL_DELIVERED_FILE)).then(
    () => true,
    () => false,
  );
}
