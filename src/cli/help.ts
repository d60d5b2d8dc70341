import { globalOptions, type CommandSpec, type OptionSpec } from './command-table.js';

const optionLines = (options: Readonly<Record<string, OptionSpec>>) =>
  Object.entries(options).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.type === 'string' ? ` <${spec.placeholder ?? 'value'}>` : ''}`;
    return `  ${flag.padEnd(28)} ${spec.description}`;
  });

/** `eventproof --help`: every command of the table with its summary. */
export function renderMainHelp(commands: readonly CommandSpec[], version: string): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    `eventproof ${version} — prove an event-driven system keeps its promises`,
    '',
    'Usage: eventproof <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)} ${c.summary}`),
    '',
    'Options:',
    ...optionLines(globalOptions),
    '',
    'Run `eventproof <command> --help` for the options of a command.',
    '',
  ].join('\n');
}

/** `eventproof <command> --help`. */
export function renderCommandHelp(command: CommandSpec): string {
  const positionals = command.positionals.map((p) => (p.optional ? `[${p.name}]` : `<${p.name}>`)).join(' ');
  return [
    `Usage: eventproof ${command.name}${positionals ? ` ${positionals}` : ''} [options]`,
    '',
    command.summary,
    ...(command.positionals.length
      ? ['', 'Arguments:', ...command.positionals.map((p) => `  ${p.name.padEnd(28)} ${p.description}`)]
      : []),
    '',
    'Options:',
    ...optionLines({ ...command.options, help: globalOptions.help! }),
    '',
  ].join('\n');
}

/** docs/cli.md, generated from the same table; a test fails when the page is stale. */
export function renderCliMarkdown(commands: readonly CommandSpec[]): string {
  const optionRows = (options: Readonly<Record<string, OptionSpec>>) =>
    Object.entries(options).map(
      ([name, spec]) =>
        `| \`--${name}${spec.type === 'string' ? ` <${spec.placeholder ?? 'value'}>` : ''}\`${spec.short ? ` / \`-${spec.short}\`` : ''} | ${spec.description} |`,
    );
  const sections = commands.map((command) => {
    const positionals = command.positionals
      .map((p) => (p.optional ? `[${p.name}]` : `<${p.name}>`))
      .join(' ');
    return [
      `## \`eventproof ${command.name}${positionals ? ` ${positionals}` : ''}\``,
      '',
      command.summary + '.',
      '',
      ...(command.positionals.length
        ? [
            '| Argument | Meaning |',
            '|---|---|',
            ...command.positionals.map((p) => `| \`${p.name}\` | ${p.description} |`),
            '',
          ]
        : []),
      '| Option | Meaning |',
      '|---|---|',
      ...optionRows({ ...command.options, help: globalOptions.help! }),
      '',
    ].join('\n');
  });
  return [
    '# The `eventproof` command',
    '',
    '<!-- Generated from src/cli/commands by `npm run docs`; test/cli/cli-docs.test.ts fails when it is stale. -->',
    '',
    '| Option | Meaning |',
    '|---|---|',
    ...optionRows(globalOptions),
    '',
    '## Exit codes',
    '',
    '| Code | Meaning |',
    '|---|---|',
    '| 0 | Success: every check passed |',
    '| 1 | A check failed, or an operation failed (the message says which and what to do) |',
    '| 2 | Usage error: unknown command or option, missing argument |',
    '',
    ...sections,
  ].join('\n');
}
