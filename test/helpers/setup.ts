import {afterAll, beforeEach} from 'vitest';
import {printBrokerLogs, removeTempDirs} from './broker.js';

// A failed test shows what its brokers said (a closed connection is explained there).
beforeEach(({onTestFailed}) => onTestFailed(printBrokerLogs));
afterAll(removeTempDirs);
