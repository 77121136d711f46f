import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Whether this machine lets the tests mount a small tmpfs (root in a container usually may). */
export const canMount = ((): boolean => {
  const dir = fs.mkdtempSync('/tmp/devdb-mount-probe-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'ignore' });
    execFileSync('umount', [dir]);
    return true;
  } catch {
    return false;
  } finally {
    fs.rmdirSync(dir);
  }
})();

const mounts: string[] = [];

/** A tmpfs of `size` at `dir`, filled up: no byte more fits. */
export function fullDisk(dir: string, size: string): void {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  mounts.push(dir);
  try {
    execFileSync('dd', ['if=/dev/zero', `of=${path.join(dir, 'filler')}`, 'bs=4k'], { stdio: 'ignore' });
  } catch {
    // dd stops with "No space left on device": that is the point
  }
}

/** Unmounts every tmpfs fullDisk mounted (call in afterAll). */
export function unmountAll(): void {
  for (const mount of mounts.splice(0)) execFileSync('umount', [mount]);
}
