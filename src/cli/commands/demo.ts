import type { CommandSpec } from '../command-table.js';

/**
 * `eventproof demo`: the main job on the embedded default. Runs the example shop's checks in memory
 * (no broker) against the correct shop and against the broken builds each check must catch.
 */
export const demoCommand: CommandSpec = {
  name: 'demo',
  summary: 'Check the example shop in memory (no broker needed) and show each check catching a broken build',
  options: {
    json: { type: 'boolean', description: 'Print the results as JSON' },
  },
  positionals: [],
  async run(context) {
    // Loaded here, not at start-up: the shop, the simulator and the explorer are the bulk of the CLI.
    const { runDemo } = await import('./demo-run.js');
    return runDemo(context);
  },
};
