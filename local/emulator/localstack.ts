import { type Emulator, EmulatorUnavailable, LOCAL_REGION } from './types.ts';

const DEFAULT_IMAGE = 'localstack/localstack:4';

/**
 * LocalStack in a container through Testcontainers, for machines with a Docker engine. Selected
 * with RECTIFY_EMULATOR=localstack; LOCALSTACK_AUTH_TOKEN is passed through when set. When Docker
 * is missing this fails at once with a message: it never falls back to moto silently.
 */
export async function startLocalstack(): Promise<Emulator> {
  const { LocalstackContainer } = await import('@testcontainers/localstack');
  const image = process.env.RECTIFY_LOCALSTACK_IMAGE ?? DEFAULT_IMAGE;
  const container = new LocalstackContainer(image).withEnvironment({
    ...(process.env.LOCALSTACK_AUTH_TOKEN
      ? { LOCALSTACK_AUTH_TOKEN: process.env.LOCALSTACK_AUTH_TOKEN }
      : {}),
    SERVICES: 'dynamodb,dynamodbstreams,s3,events,sqs,scheduler,sts,iam,logs',
  });
  let started: Awaited<ReturnType<typeof container.start>>;
  try {
    started = await container.start();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const noDocker = /container runtime|docker/i.test(reason);
    throw new EmulatorUnavailable(
      noDocker
        ? `RECTIFY_EMULATOR=localstack needs a running Docker engine, and none was found (${reason}). ` +
            'Start Docker, or unset RECTIFY_EMULATOR to use the embedded moto emulator.'
        : `LocalStack (${image}) did not start: ${reason}. Check LOCALSTACK_AUTH_TOKEN and the image name (RECTIFY_LOCALSTACK_IMAGE).`,
    );
  }
  return {
    kind: 'localstack',
    endpoint: started.getConnectionUri(),
    region: LOCAL_REGION,
    reset: async () => {
      throw new Error('LocalStack has no cheap reset; isolate tests by resource names instead.');
    },
    stop: async () => {
      await started.stop();
    },
  };
}
