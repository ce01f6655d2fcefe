/** legacy-shadow: structural diff, engine parity (and, from G1, HTTP shadow, canary and route gates). */
export * from './diff/index';
export * from './parity/index';
export * from './http/index';
export * from './gates/index';
