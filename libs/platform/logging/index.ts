// One JSON logger per process, with trace ids and the handling module on every line.
export { createPino, JsonLogger, LogOrigin, logLevelEnabled } from './json-logger';
export { LEVELS, LoggingSettings } from './logging.settings';
