/** The book's line formats, field by field (shared/reference/smartcar-and-hbase.md, A.2 and A.3). */

/** 14 digits: yyyyMMdd + HHmmss, where HH runs 00..23 and the day's last record is hour 24 (240000). */
export const TIMESTAMP = String.raw`\d{8}(?:(?:[01]\d|2[0-3])[0-5]\d[0-5]\d|240000)`;
export const CAR = String.raw`[A-Z]\d{4}`;

export const STATUS_RECORD = new RegExp(
  `^(${TIMESTAMP}),(${CAR}),` +
    String.raw`(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),` + // tires
    String.raw`([12]),([12]),([12]),([12]),` + // lights
    String.raw`([ABC]),([ABC]),(\d{1,3})$`, // engine, brake, battery
);

export const DRIVING_RECORD = new RegExp(`^(${TIMESTAMP}),(${CAR}),` + String.raw`([0-5]),([0-3]),(F|[LR][1-3]),([NLR]),(0|[1-9]\d{0,2}),([A-F](?:0[1-9]|10))$`);

export const STATUS_HEADER_LINE = 'SmartCar Status Information,CarNum,TireFL,TireFR,TireBL,TireBR,LightFL,LightFR,LightBL,LightBR,EngineInfo,BreakInfo,BatteryInfo';
export const DRIVING_HEADER_LINE = 'Driver Status Infomation,CarNum,AccStep,BrkStep,WheelStep,DirLightStep,Speed,AreaNum';

export interface StatusRow {
  time: string;
  car: string;
  tires: number[];
  lights: number[];
  engine: string;
  brake: string;
  battery: number;
}

export function parseStatus(line: string): StatusRow {
  const m = STATUS_RECORD.exec(line);
  if (!m) throw new Error(`not a status record: ${JSON.stringify(line)}`);
  return {time: m[1], car: m[2], tires: m.slice(3, 7).map(Number), lights: m.slice(7, 11).map(Number), engine: m[11], brake: m[12], battery: Number(m[13])};
}

export interface DrivingRow {
  time: string;
  car: string;
  acc: number;
  brk: number;
  wheel: string;
  light: string;
  speed: number;
  area: string;
}

export function parseDriving(line: string): DrivingRow {
  const m = DRIVING_RECORD.exec(line);
  if (!m) throw new Error(`not a driving record: ${JSON.stringify(line)}`);
  return {time: m[1], car: m[2], acc: Number(m[3]), brk: Number(m[4]), wheel: m[5], light: m[6], speed: Number(m[7]), area: m[8]};
}

/** HHmmss for a second of the day, written independently of the code under test. */
export function hhmmss(second: number): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return p(Math.floor(second / 3600)) + p(Math.floor(second / 60) % 60) + p(second % 60);
}
