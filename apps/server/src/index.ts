export { loadConfig, ConfigError, type Config } from './config.ts';
export { startServer, type RunningServer, type ServerOverrides } from './server.ts';
