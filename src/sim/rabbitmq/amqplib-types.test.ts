// Type-level checks only: `import type` is erased, so the simulator still never loads amqplib.
// They run under `tsc --noEmit`; the vitest run only proves the file compiles and loads.
import type { Channel, ConsumeMessage, GetMessage } from 'amqplib';
import { describe, expectTypeOf, it } from 'vitest';
import type { AmqpChannelLike, SimAmqpMessage, SimChannel, SimGetMessage } from '../../public/sim.js';

describe("the model's types against amqplib's", () => {
  it('a delivered message can go wherever amqplib code expects a ConsumeMessage or a GetMessage', () => {
    expectTypeOf<SimAmqpMessage>().toExtend<ConsumeMessage>();
    expectTypeOf<SimGetMessage>().toExtend<GetMessage>();
  });

  it('a consumer callback typed for amqplib is accepted by the simulated channel', () => {
    type Consume = SimChannel['consume'];
    expectTypeOf<(msg: ConsumeMessage | null) => void>().toExtend<Parameters<Consume>[1]>();
    // … and an amqplib message can be settled on it (a test may mix a recorded one in).
    expectTypeOf<ConsumeMessage>().toExtend<Parameters<SimChannel['ack']>[0]>();
  });

  it("amqplib's Channel satisfies the behavioural suite's channel, so a real driver can hand it over", () => {
    expectTypeOf<Channel>().toExtend<AmqpChannelLike>();
  });
});
