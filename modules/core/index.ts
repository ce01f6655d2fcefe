export * from './db';
export * from './errors';
export * from './pagination';
export * from './redis';
export type { Database } from './database';
export * from './auth-context';
export * from './jobs';
