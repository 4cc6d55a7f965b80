/** The smart-car simulators (the book's CarLogMain and DriverLogMain), see status.ts and driving.ts. */
export {DAY_SECONDS, RECORD_LINE, checkDate, secToTime, today} from './common.js';
export {Rng, WeightedTable, carNumber, randomSeed, weightedRace} from './random.js';
export {STATUS_HEADER, STATUS_RECORDS_PER_CAR, STATUS_STEP_SECONDS, StatusCar, createStatusFleet, statusFileName, statusLines, writeStatusFile, type StatusFileOptions, type StatusFileResult} from './status.js';
export {
  CONGESTION_AREAS,
  DRIVING_DEFAULT_FILE,
  DRIVING_HEADER,
  DRIVING_RECORDS_PER_CAR,
  DRIVING_STEP_SECONDS,
  DrivingCar,
  REALTIME_TICK_MS,
  createDrivingFleet,
  drivingLines,
  runDrivingSimulator,
  simulateDriving,
  type DrivingBatch,
  type DrivingOptions,
  type DrivingResult,
  type DrivingSpeed,
  type DrivingStop,
} from './driving.js';
