/**
 * `npm run emulator`: starts the emulator alone (installing moto first where needed), prints its
 * endpoint, and runs until Ctrl-C. Useful for running the local runtime or tests against one
 * long-lived emulator: `RECTIFY_EMULATOR_ENDPOINT=<printed endpoint> npm start`.
 */
import { EmulatorUnavailable, startEmulator } from './index.ts';

try {
  const port = process.env.RECTIFY_EMULATOR_PORT ? Number(process.env.RECTIFY_EMULATOR_PORT) : undefined;
  const emulator = await startEmulator(port ? { port } : {});
  process.stdout.write(`${emulator.endpoint}\n`);
  process.stderr.write(`${emulator.kind} is listening on ${emulator.endpoint}; Ctrl-C stops it.\n`);
  const stop = async () => {
    await emulator.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  process.stderr.write(`${error instanceof EmulatorUnavailable ? error.message : String(error)}\n`);
  process.exit(1);
}
