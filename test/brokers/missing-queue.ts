// A handle to a queue the probe never declared, for the tests of what a refused call does.
import type { RabbitMqProbe, RabbitMqQueue } from 'eventproof/rabbitmq';

export const missingQueue = (probe: RabbitMqProbe, name: string): RabbitMqQueue => ({
  kind: 'queue',
  name: `${probe.prefix}-${name}`,
  logicalName: name,
  deadLetter: undefined,
});
