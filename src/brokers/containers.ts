import { MissingPeerDependencyError } from '../errors.js';
import type { BrokerName, StartedBroker } from './provision.js';

// The slice of testcontainers this file uses; the package is an optional peer, loaded only here.
interface StartedContainerLike {
  getHost(): string;
  getMappedPort(port: number): number;
  stop(): Promise<unknown>;
}
interface GenericContainerLike {
  withExposedPorts(...ports: number[]): GenericContainerLike;
  withEnvironment(env: Record<string, string>): GenericContainerLike;
  start(): Promise<StartedContainerLike>;
}
interface TestcontainersModule {
  GenericContainer: new (image: string) => GenericContainerLike;
}
interface KafkaModule {
  KafkaContainer: new (image: string) => { withKraft(): { start(): Promise<StartedContainerLike> } };
}

const importOptional = (name: string): Promise<unknown> => import(/* @vite-ignore */ name);

/**
 * Starts a throwaway broker in Docker through testcontainers. Only reached when no broker answers
 * locally and a Docker engine does.
 * @internal
 */
export async function startContainer(broker: BrokerName): Promise<StartedBroker> {
  if (broker === 'kafka') {
    let module: KafkaModule;
    try {
      module = (await importOptional('@testcontainers/kafka')) as KafkaModule;
    } catch (cause) {
      throw new MissingPeerDependencyError('@testcontainers/kafka', 'Starting Kafka in Docker', cause);
    }
    const started = await new module.KafkaContainer('confluentinc/cp-kafka:7.7.1').withKraft().start();
    return {
      url: `${started.getHost()}:${started.getMappedPort(9093)}`,
      stop: async () => void (await started.stop()),
    };
  }
  let module: TestcontainersModule;
  try {
    module = (await importOptional('testcontainers')) as TestcontainersModule;
  } catch (cause) {
    throw new MissingPeerDependencyError('testcontainers', `Starting ${broker} in Docker`, cause);
  }
  if (broker === 'rabbitmq') {
    const started = await new module.GenericContainer('rabbitmq:3.13-management')
      .withExposedPorts(5672)
      .start();
    return {
      url: `amqp://guest:guest@${started.getHost()}:${started.getMappedPort(5672)}`,
      stop: async () => void (await started.stop()),
    };
  }
  const started = await new module.GenericContainer('softwaremill/elasticmq-native:1.6.11')
    .withExposedPorts(9324)
    .start();
  return {
    url: `http://${started.getHost()}:${started.getMappedPort(9324)}`,
    stop: async () => void (await started.stop()),
  };
}
