// One JSON logger per process, with trace ids and the handling module on every line.
export { createPino, JsonLogger, LoggingSettings, LogOrigin, logLevelEnabled, readLoggingSettings } from './json-logger';
