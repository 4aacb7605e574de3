export * from './encoding.js';
export * from './feature-gates.js';
export * from './labels.js';
export * from './namespace/index.js';
export * from './object-names.js';
export * from './synctarget-key.js';
export * from './synctarget-ref.js';
