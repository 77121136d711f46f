import { createHash } from 'node:crypto';
import { engineFor } from './index.js';
import type { DatabaseTarget } from './url.js';

/** One hash of what a database holds now; equal hashes mean nothing wrote to it in between. */
export async function fingerprint(target: DatabaseTarget): Promise<string> {
  const parts = await (await engineFor(target.engine)).fingerprint(target);
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}
