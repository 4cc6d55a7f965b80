export {startZookeeper, stopZookeeper, zookeeperStatus, probeZookeeper, readServerState, logTail, pidAlive, DEFAULT_ZK_PORT, DEFAULT_ZK_DATA_DIR, STATE_FILE} from './server.js';
export type {StartZookeeperOptions, ZookeeperHandle, ZkNodeInfo, ZkNodeStatus, ZkNodeMode, ZkServerState, ZkStatus, ZkStopResult} from './server.js';
export {planLayout, renderZooCfg, connectStringOf, PEER_PORT_OFFSET, ELECTION_PORT_OFFSET, FOUR_LETTER_WHITELIST} from './config.js';
export type {EnsembleSize, ZkNodeLayout} from './config.js';
export {fourLetterWord, parseSrvr, parseMntr} from './four-letter.js';
export type {SrvrInfo, ZkServerMode} from './four-letter.js';
export {requireZookeeper, zookeeperInstalled, zookeeperJar, findJava, APT_HINT, DEFAULT_ZOOKEEPER_JAR} from './package.js';
