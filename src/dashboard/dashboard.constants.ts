import { join } from 'node:path';

/** The dashboard's static files (copied next to the compiled code by nest-cli's assets). */
export const DASHBOARD_PUBLIC_DIR = join(__dirname, 'public');

/** URL prefix of the dashboard's script and stylesheet. */
export const DASHBOARD_ASSET_PREFIX = '/dashboard/';
