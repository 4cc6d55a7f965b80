/**
 * The smart-car Avro schemas as plain JSON, apart from avsc: naming one (a flag's help, a schema
 * lookup) must not load avsc, which costs a text collector about 40 ms of its start.
 */
const NAMESPACE = 'kcollect.smartcar';

/** The driving log (DriverLogMain); field names are the book's HBase qualifiers in cf1. */
export const DRIVING_SCHEMA = {
  type: 'record',
  name: 'DrivingRecord',
  namespace: NAMESPACE,
  doc: 'One line of the smart-car driving log (SmartCarDriverInfo.log)',
  fields: [
    {name: 'date', type: 'string', doc: 'yyyyMMddHHmmss; the last record of a day has hour 24'},
    {name: 'car_number', type: 'string'},
    {name: 'speed_pedal', type: 'int', doc: 'accelerator step 0..5'},
    {name: 'break_pedal', type: 'int', doc: 'brake step 0..3'},
    {name: 'steer_angle', type: 'string', doc: 'F, L1..L3, R1..R3'},
    {name: 'direct_light', type: 'string', doc: 'turn signal N, L or R'},
    {name: 'speed', type: 'int', doc: 'km/h 0..250'},
    {name: 'area_number', type: 'string'},
  ],
} as const;

/** The status log (CarLogMain); field names are the book's Hive columns (SmartCar_Status_Info). */
export const STATUS_SCHEMA = {
  type: 'record',
  name: 'StatusRecord',
  namespace: NAMESPACE,
  doc: 'One line of the smart-car status log (SmartCarStatusInfo_<yyyyMMdd>.txt)',
  fields: [
    {name: 'reg_date', type: 'string', doc: 'yyyyMMddHHmmss; the last record of a day has hour 24'},
    {name: 'car_number', type: 'string'},
    {name: 'tire_fl', type: 'int'},
    {name: 'tire_fr', type: 'int'},
    {name: 'tire_bl', type: 'int'},
    {name: 'tire_br', type: 'int'},
    {name: 'light_fl', type: 'int', doc: '1 normal, 2 fault'},
    {name: 'light_fr', type: 'int'},
    {name: 'light_bl', type: 'int'},
    {name: 'light_br', type: 'int'},
    {name: 'engine', type: 'string', doc: 'A, B or C'},
    {name: 'break', type: 'string', doc: 'A, B or C'},
    {name: 'battery', type: 'int'},
  ],
} as const;

export const BUILTIN_SCHEMAS = {driving: DRIVING_SCHEMA, status: STATUS_SCHEMA} as const;
export type BuiltinSchemaName = keyof typeof BUILTIN_SCHEMAS;
