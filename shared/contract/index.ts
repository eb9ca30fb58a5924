export * from './contract';
export * from './errors';
export * from './method';
export * from './common';
