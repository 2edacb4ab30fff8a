import createDebug from 'debug';

type LogMethod = (context: object, message?: string) => void;

/**
 * The subset of a pino logger the plugin calls. Pass `pino()` itself or any
 * object with these methods; the default discards everything.
 */
export interface Logger {
  error: LogMethod;
  warn: LogMethod;
  info: LogMethod;
  debug: LogMethod;
}

const ignore: LogMethod = () => {};

export const silentLogger: Logger = {
  error: ignore,
  warn: ignore,
  info: ignore,
  debug: ignore,
};

/** Tracing for developers: `DEBUG=certboost-lms-api:*`. */
export const trace = {
  http: createDebug('certboost-lms-api:http'),
  auth: createDebug('certboost-lms-api:auth'),
  dispatch: createDebug('certboost-lms-api:dispatch'),
};
