export {startHBaseEmulator, EMULATED_HBASE_VERSION, type EmulatorOptions, type HBaseEmulator, type DownMode} from './server.js';
