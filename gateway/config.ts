/**
 * The gateway's configuration. The schema and loader live in modules/core/config.ts so that modules
 * and legacy-shadow take the same validated object without importing gateway/ (DESIGN.md Layout);
 * gateway code keeps importing it from here.
 */
export * from '../modules/core/config';
