import {defineConfig} from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    setupFiles: ['test/helpers/setup.ts'],
    globalSetup: ['test/helpers/default-ports-guard.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Compat and fault tests start real processes on fixed loopback ports; files run in parallel
    // but each picks free ports.
    pool: 'forks',
    // Most files wait on child processes and sockets rather than compute: three at a time even on
    // a 2-core machine (vitest's default there is one). With two, the suite took 909 s on this
    // machine; with three 799 s, beside another engineer's tests, every file passing.
    maxWorkers: 3,
  },
});
