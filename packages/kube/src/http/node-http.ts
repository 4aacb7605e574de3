import type * as NodeHttp from 'node:http';
import { createRequire } from 'node:module';

/**
 * node:http, required rather than imported: an ESM import builds the module's namespace by reading every
 * export, and node:http's lazy `WebSocket`/`CloseEvent`/`MessageEvent` getters then load Node's bundled undici
 * (~16 MiB RSS) that nothing here uses. Type imports (erased) are fine.
 */
export const nodeHttp = createRequire(import.meta.url)('node:http') as typeof NodeHttp;
