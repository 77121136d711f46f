import inquirer, { type DistinctQuestion } from 'inquirer';

/** Checks an answer: true, or the reason it is refused (inquirer then asks again). */
export type Check = (value: string) => true | string | Promise<true | string>;

/** Asks one question; inquirer 14 exports only its `prompt` API, so each question goes through it alone. */
async function one<T>(question: Record<string, unknown>): Promise<T> {
  const answers = await inquirer.prompt([{ ...question, name: 'value' } as DistinctQuestion]);
  return answers.value as T;
}

/** A line of text, `fallback` on Enter. */
export const askText = (message: string, fallback: string | undefined, validate?: Check): Promise<string> =>
  one<string>({ type: 'input', message, default: fallback, validate: validate && ((value: string) => validate(value.trim())) }).then((value) => value.trim());

/** One of a few choices. */
export const askChoice = <T extends string>(message: string, choices: { name: string; value: T; description?: string }[], fallback: T): Promise<T> =>
  one<T>({ type: 'select', message, choices, default: fallback });

/** Yes or no. */
export const askYesNo = (message: string, fallback: boolean): Promise<boolean> => one<boolean>({ type: 'confirm', message, default: fallback });

/** A secret, shown as stars while typed. */
export const askSecret = (message: string, validate: Check): Promise<string> => one<string>({ type: 'password', message, mask: '*', validate });

/** Whether an error is inquirer's answer to Ctrl-C. */
export const isPromptExit = (error: unknown): boolean => error instanceof Error && error.name === 'ExitPromptError';
