/**
 * Kafka 2.x's ZooKeeper layout (kafka.zk.ZkData): the paths and the exact JSON it writes, so
 * Kafka tooling and zkCli users find what they expect.
 */
export const ZkPaths = {
  brokerIds: '/brokers/ids',
  brokerTopics: '/brokers/topics',
  controller: '/controller',
  controllerEpoch: '/controller_epoch',
  clusterId: '/cluster/id',
  configTopics: '/config/topics',
  configChanges: '/config/changes',
  consumers: '/consumers',
  broker: (id: number) => `/brokers/ids/${id}`,
  topic: (t: string) => `/brokers/topics/${t}`,
  partitionState: (t: string, p: number) => `/brokers/topics/${t}/partitions/${p}/state`,
  topicConfig: (t: string) => `/config/topics/${t}`,
  partitions: (t: string) => `/brokers/topics/${t}/partitions`,
};

/** Created at start-up, as Kafka's PersistentZkPaths. */
export const PERSISTENT_PATHS = ['/consumers', '/brokers/ids', '/brokers/topics', '/brokers/seqid', '/config/changes', '/config/topics', '/config/clients', '/config/users', '/config/brokers', '/admin/delete_topics', '/isr_change_notification', '/latest_producer_id_block', '/log_dir_event_notification'];

/**
 * /brokers/ids/<id>, version 4 (Kafka 0.10 - 2.6): every listener's endpoint and protocol; host and port are the
 * inter-broker listener's (the first endpoint), which the other brokers replicate from.
 */
export function brokerRegistration(host: string, port: number, rack: string | null = null, listeners: Array<{name: string; securityProtocol: string; host: string; port: number}> = [{name: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host, port}]): string {
  return JSON.stringify({
    listener_security_protocol_map: Object.fromEntries(listeners.map((l) => [l.name, l.securityProtocol])),
    endpoints: listeners.map((l) => `${l.name}://${l.host}:${l.port}`),
    jmx_port: -1,
    host,
    timestamp: String(Date.now()),
    port,
    version: 4,
    ...(rack ? {rack} : {}),
  });
}

/** The inter-broker address (host, port) and each listener's endpoint by name. */
export function parseBrokerRegistration(json: string): {host: string; port: number; listeners: Record<string, {host: string; port: number}>} {
  const data = JSON.parse(json) as {host?: string; port?: number; endpoints?: string[]};
  const listeners: Record<string, {host: string; port: number}> = {};
  for (const e of data.endpoints ?? []) {
    const m = /^([^:]+):\/\/(.*):(\d+)$/.exec(e);
    if (m) listeners[m[1]] = {host: m[2].replace(/^\[|\]$/g, ''), port: Number(m[3])};
  }
  return {host: data.host ?? '', port: data.port ?? -1, listeners};
}

/** /brokers/topics/<t>, version 3 (Kafka 2.8+): partition -> replica list, plus the topic id. */
export function topicAssignment(topicIdBase64: string, replicas: number[][]): string {
  const partitions: Record<string, number[]> = {};
  replicas.forEach((r, p) => (partitions[String(p)] = r));
  return JSON.stringify({removing_replicas: {}, partitions, topic_id: topicIdBase64, adding_replicas: {}, version: 3});
}

export function parseTopicAssignment(json: string): {topicId: string | null; replicas: number[][]} {
  const data = JSON.parse(json) as {partitions?: Record<string, number[]>; topic_id?: string};
  const entries = Object.entries(data.partitions ?? {}).sort(([a], [b]) => Number(a) - Number(b));
  return {topicId: data.topic_id ?? null, replicas: entries.map(([, r]) => r)};
}

export function partitionState(s: {controllerEpoch: number; leader: number; leaderEpoch: number; isr: number[]}): string {
  return JSON.stringify({controller_epoch: s.controllerEpoch, leader: s.leader, version: 1, leader_epoch: s.leaderEpoch, isr: s.isr});
}

export function topicConfig(overrides: Record<string, string>): string {
  return JSON.stringify({version: 1, config: overrides});
}

export function parseTopicConfig(json: string): Record<string, string> {
  return (JSON.parse(json) as {config?: Record<string, string>}).config ?? {};
}

export function controllerRegistration(brokerId: number): string {
  return JSON.stringify({version: 1, brokerid: brokerId, timestamp: String(Date.now())});
}

export function clusterIdNode(id: string): string {
  return JSON.stringify({version: '1', id});
}

/** Kafka prints topic ids as URL-safe base64 of the 16 UUID bytes, without padding. */
export function uuidToBase64(uuid: string): string {
  return Buffer.from(uuid.replaceAll('-', ''), 'hex').toString('base64url');
}

export function base64ToUuid(id: string): string {
  const hex = Buffer.from(id, 'base64url').toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface PartitionStateData {
  controllerEpoch: number;
  leader: number;
  leaderEpoch: number;
  isr: number[];
}

export function parsePartitionState(json: string): PartitionStateData {
  const d = JSON.parse(json) as {controller_epoch?: number; leader?: number; leader_epoch?: number; isr?: number[]};
  return {controllerEpoch: d.controller_epoch ?? 0, leader: d.leader ?? -1, leaderEpoch: d.leader_epoch ?? 0, isr: d.isr ?? []};
}

/** Kafka's ZooKeeper-era committed offsets: /consumers/<group>/offsets/<topic>/<partition>, data the offset in decimal. */
export const consumerOffsetPath = (group: string, topic: string, partition: number) => `/consumers/${group}/offsets/${topic}/${partition}`;
export const consumerOffsetsRoot = (group: string) => `/consumers/${group}/offsets`;
