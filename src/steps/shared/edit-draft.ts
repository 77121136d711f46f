import { execa } from 'execa';
import { usageError } from '../../errors.js';

/**
 * Opens $VISUAL or $EDITOR on the draft and waits for it to close (documented step 6,
 * "edit the script"). The variable may hold arguments ("code -w"); it is split on
 * spaces, never given to a shell.
 */
export async function openEditor(file: string): Promise<void> {
  const editor = (process.env.VISUAL || process.env.EDITOR || '').trim();
  if (!editor) throw usageError('--edit needs an editor: set VISUAL or EDITOR (for example EDITOR=vi).');
  const [command, ...args] = editor.split(/\s+/);
  const result = await execa(command as string, [...args, file], { stdio: 'inherit', reject: false });
  if (result.failed) throw usageError(`The editor "${editor}" did not exit cleanly; fix VISUAL/EDITOR, edit the draft yourself and run "devdb verify".`);
}
