export * from './real/index.js';
