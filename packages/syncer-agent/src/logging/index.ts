export {
  DEFAULT_DEBUG_LEVEL,
  type LogFormat,
  type LoggerOptions,
  StreamLogger,
  warningsOnly,
} from './logger.js';
export { isSecretKey, REDACTED, redact } from './redact.js';
