export {startRegistryEmulator, REGISTRY_CONTENT_TYPE, type RegistryEmulator, type RegistryEmulatorOptions} from './server.js';
