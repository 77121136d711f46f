/** A tool run: an executable from the project's Python environment and its arguments. */
export interface Command {
  /** Executable name, looked up in the Python's bin folder first, then on PATH. */
  tool: string;
  args: string[];
  /** Argument values to show as *** wherever the command is printed. */
  secrets?: string[];
}

/** The administrator account setup-db creates in a throwaway database. */
export interface Admin {
  user: string;
  email: string;
  password: string;
}

export interface SetupOptions {
  ini: string;
  admin: Admin;
  repos: string;
  publicAccess: boolean;
  /** The throwaway database's URL, for setup commands that take it. */
  url: string;
  /** The project's Python, for setups that run devdb's own Python helpers. */
  python: string;
}

/** An Alembic command on one INI file: `alembic -c INI …`. */
export const alembic = (ini: string, ...args: string[]): Command => ({ tool: 'alembic', args: ['-c', ini, ...args] });

/** The command as a person would type it, with secrets shown as ***. */
export function formatCommand(command: Command): string {
  const secrets = new Set(command.secrets ?? []);
  const quote = (arg: string): string => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);
  return [command.tool, ...command.args]
    .map((arg) => {
      for (const secret of secrets) if (arg.includes(secret)) return arg.split(secret).join('***');
      return quote(arg);
    })
    .join(' ');
}
