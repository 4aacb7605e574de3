// The namespace concept of kcp's syncer, in one place: the locator (which upstream namespace a downstream one
// stands for), the downstream names, which SyncTarget owns a namespace, and finding a namespace by locator.
export * from './locator.js';
export * from './lookup.js';
export * from './name.js';
export * from './ownership.js';
