/**
 * The CLI is one typed table: each command declares its options and positionals once, and the
 * parser, `--help` and docs/cli.md are all produced from it.
 */
export interface OptionSpec {
  readonly type: 'boolean' | 'string';
  readonly short?: string;
  readonly description: string;
  /** Shown in help as `--name <placeholder>` for string options. */
  readonly placeholder?: string;
}

export interface PositionalSpec {
  readonly name: string;
  readonly description: string;
  readonly optional?: boolean;
}

export interface CommandContext {
  readonly options: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly positionals: readonly PositionalSpec[];
  /** Exit code: 0 success, 1 a check failed, 2 usage error. */
  run(context: CommandContext): Promise<number>;
}

/** Options every command accepts. */
export const globalOptions: Readonly<Record<string, OptionSpec>> = {
  help: { type: 'boolean', short: 'h', description: 'Show help for eventproof or a command' },
  version: { type: 'boolean', short: 'v', description: 'Print the eventproof version' },
};

/** Exit codes, documented in docs/cli.md. */
export const EXIT = { ok: 0, checkFailed: 1, usage: 2 } as const;
