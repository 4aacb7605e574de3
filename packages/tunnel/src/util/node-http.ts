import type * as NodeHttp from 'node:http';
import { createRequire } from 'node:module';

/**
 * node:http, required rather than imported: an ESM import builds the module's namespace by reading every
 * export, and node:http's lazy WebSocket getters then load Node's bundled undici (~16 MiB RSS) into the agent.
 */
export const nodeHttp = createRequire(import.meta.url)('node:http') as typeof NodeHttp;
