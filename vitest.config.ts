import {defineConfig} from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    setupFiles: ['test/helpers/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Compat and fault tests start real processes on fixed loopback ports; files run in parallel
    // but each picks free ports.
    pool: 'forks',
  },
});
