import {afterAll} from 'vitest';
import {removeTempDirs} from './broker.js';

afterAll(removeTempDirs);
