import { parseArgs } from 'node:util';
import { EventproofError, failure } from '../errors.js';
import { EXIT, globalOptions, type CommandContext, type CommandSpec } from './command-table.js';
import { commands } from './commands/index.js';
import { renderCommandHelp, renderMainHelp } from './help.js';
import { colours } from './style.js';
import { packageVersion } from './version.js';

export interface CliIo {
  readonly stdout: CommandContext['stdout'];
  readonly stderr: CommandContext['stderr'];
}

class UsageError extends EventproofError {
  constructor(message: string) {
    super('CLI_USAGE', message);
  }
}

/** Runs the CLI with the given arguments and returns its exit code. */
export async function runCli(
  argv: readonly string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const version = packageVersion();
  try {
    const commandIndex = argv.findIndex((arg) => !arg.startsWith('-'));
    const name = commandIndex === -1 ? undefined : argv[commandIndex];
    const command = name === undefined ? undefined : findCommand(name);
    if (!command) {
      const { values } = parseGlobalArgs(argv);
      if (values.version) return write(io.stdout, `${version}\n`, EXIT.ok);
      return write(io.stdout, renderMainHelp(commands, version), EXIT.ok);
    }
    const args = [...argv.slice(0, commandIndex), ...argv.slice(commandIndex + 1)];
    const { values, positionals } = parseCommandArgs(command, args);
    if (values.help) return write(io.stdout, renderCommandHelp(command), EXIT.ok);
    const required = command.positionals.filter((p) => !p.optional).length;
    if (positionals.length < required)
      throw new UsageError(
        failure(
          `run ${command.name}`,
          `missing argument <${command.positionals[positionals.length]?.name}>`,
          `See: eventproof ${command.name} --help`,
        ),
      );
    if (positionals.length > command.positionals.length)
      throw new UsageError(
        failure(
          `run ${command.name}`,
          `unexpected argument '${positionals[command.positionals.length]}'`,
          `See: eventproof ${command.name} --help`,
        ),
      );
    return await command.run({ options: values, positionals, stdout: io.stdout, stderr: io.stderr });
  } catch (error) {
    const c = colours(io.stderr);
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`${c.red(message)}\n`);
    return error instanceof UsageError || (error instanceof EventproofError && error.code === 'CLI_USAGE')
      ? EXIT.usage
      : EXIT.checkFailed;
  }
}

function findCommand(name: string): CommandSpec {
  const command = commands.find((c) => c.name === name);
  if (command) return command;
  const near = commands.filter((c) => c.name.startsWith(name.slice(0, 2))).map((c) => c.name);
  throw new UsageError(
    failure(
      'run eventproof',
      `unknown command '${name}'`,
      near.length
        ? `Did you mean: ${near.join(', ')}?`
        : `Commands: ${commands.map((c) => c.name).join(', ')}`,
    ),
  );
}

function parseGlobalArgs(args: readonly string[]) {
  try {
    return parseArgs({ args: [...args], options: globalOptions, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(
      failure(
        'run eventproof',
        error instanceof Error ? error.message : String(error),
        'See: eventproof --help',
      ),
    );
  }
}

function parseCommandArgs(command: CommandSpec, args: string[]) {
  try {
    return parseArgs({
      args,
      options: { ...command.options, help: globalOptions.help! },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError(
      failure(
        `run ${command.name}`,
        error instanceof Error ? error.message : String(error),
        `See: eventproof ${command.name} --help`,
      ),
    );
  }
}

function write(stream: NodeJS.WritableStream, text: string, code: number): number {
  stream.write(text);
  return code;
}
