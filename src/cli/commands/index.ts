import type { CommandSpec } from '../command-table.js';
import { auditCommand } from './audit.js';
import { demoCommand } from './demo.js';
import { doctorCommand } from './doctor.js';
import { exploreCommand } from './explore.js';

/** Every command of the `eventproof` CLI, in the order `--help` lists them. */
export const commands: readonly CommandSpec[] = [demoCommand, exploreCommand, auditCommand, doctorCommand];
