import { createContextKey } from '@opentelemetry/api';

/** The module that handles the current HTTP request (the gateway), for logs (see JsonLogger). */
export const MODULE_KEY = createContextKey('cleave.module');
