/** Confluent's wire format for a record value: magic byte 0, the schema id (int32 BE), the Avro binary. */
const MAGIC_BYTE = 0;
const HEADER_BYTES = 5;

export function encodeWire(schemaId: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt8(MAGIC_BYTE, 0);
  header.writeInt32BE(schemaId, 1);
  return Buffer.concat([header, payload]);
}

/** The schema id and Avro bytes of a wire-format value; throws saying why a value is not one. */
export function decodeWire(value: Buffer): {schemaId: number; payload: Buffer} {
  if (value.length < HEADER_BYTES) throw new Error(`${value.length} byte(s), shorter than the 5-byte schema registry header`);
  if (value[0] !== MAGIC_BYTE) throw new Error(`first byte is ${value[0]}, not the schema registry magic byte 0`);
  return {schemaId: value.readInt32BE(1), payload: value.subarray(HEADER_BYTES)};
}
