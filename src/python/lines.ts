import type { Readable } from 'node:stream';

/**
 * Calls `onLine` with each line `stream` carries (UTF-8, without its \n or \r\n), and with
 * the unterminated rest when it ends. Lines are whole before anyone sees them, so a
 * secret split across two chunks is still redacted.
 */
export function eachLine(stream: Readable | null | undefined, onLine: (line: string) => void): void {
  if (!stream) return;
  stream.setEncoding('utf8');
  let pending = '';
  stream.on('data', (chunk: string) => {
    pending += chunk;
    const parts = pending.split(/\r?\n/);
    pending = parts.pop() ?? '';
    for (const part of parts) onLine(part);
  });
  stream.on('end', () => {
    if (pending) onLine(pending);
    pending = '';
  });
  // A stream devdb destroys, or a child that is gone, ends the lines; it does not crash devdb.
  stream.on('error', () => undefined);
}
