// The start the backup and restore commands share: a way to end with a message, Ctrl-C that
// ends through process.exit (so the exit handlers remove the lock and any half-written file),
// and the configuration, or the command ends naming the bad variable.
import { ConfigError, loadConfig, type AppConfig } from '../config.js';

export function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

/** Ctrl-C (or a stop from the service manager) ends the command with this message. */
export function stopWith(message: string): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => fail(message));
  }
}

export function configOrFail(): AppConfig {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
}
