/** Hints for the Kafka errors a user can do something about. */
const HINTS: Record<string, string> = {
  UNKNOWN_TOPIC_OR_PARTITION: 'list topics with `kcollect topic list`, or create it with `kcollect topic create NAME`',
  TOPIC_ALREADY_EXISTS: 'pick another name, or delete it first with `kcollect topic delete NAME`; --if-not-exists takes an existing topic as done',
  INVALID_PARTITIONS: 'the partition count must be at least 1 (and larger than the current one when adding partitions)',
  INVALID_REPLICATION_FACTOR: 'the replication factor cannot exceed the number of brokers',
  INVALID_REPLICA_ASSIGNMENT: 'every broker id of a replica assignment must be a live broker, once per partition, and every partition needs the same number of replicas',
  INVALID_CONFIG: 'check the config keys and values: Kafka topic config names, e.g. retention.ms=86400000 (`kcollect topic describe` of any topic lists them all)',
  INVALID_TOPIC_EXCEPTION: 'topic names use letters, digits, ".", "_" and "-", at most 249 characters',
  POLICY_VIOLATION: 'the broker refused the request by policy',
  MESSAGE_TOO_LARGE: 'the record exceeds max.message.bytes; raise it with `kcollect topic alter-config NAME --set max.message.bytes=N`',
  RECORD_LIST_TOO_LARGE: 'send fewer or smaller records per batch',
  NOT_ENOUGH_REPLICAS: 'fewer in-sync replicas than min.insync.replicas: bring brokers back or use --acks 1',
  UNSUPPORTED_COMPRESSION_TYPE: 'the broker does not accept this codec; try --compression gzip or none',
  TOPIC_DELETION_DISABLED: 'the broker has delete.topic.enable=false',
  INCONSISTENT_GROUP_PROTOCOL: 'the group\'s members have no assignor in common: `kcollect group describe GROUP` shows the one they use (PROTOCOL); offer it too with -X partition.assignment.strategy',
  INVALID_SESSION_TIMEOUT: 'the broker takes session.timeout.ms between its group.min.session.timeout.ms and group.max.session.timeout.ms (6 s and 30 min by default)',
};

export function hintFor(errorName: string): string | undefined {
  return HINTS[errorName];
}
