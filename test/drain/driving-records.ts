import {openProducer} from '../../src/client/producer.js';
import {createDrivingFleet, drivingLines} from '../../src/simulate/index.js';

/** `cars` x `perCar` records of the book's driving log (no headers), car by car in time order. */
export function drivingRecords(cars: number, perCar: number, seed = 7): Array<{car: string; line: string}> {
  const out: Array<{car: string; line: string}> = [];
  for (const car of createDrivingFleet(cars, seed)) {
    for (const line of drivingLines(car, '20160101', {header: false, toSecond: (perCar - 1) * 2})) out.push({car: car.carNum, line});
  }
  return out;
}

/** Produces the lines keyed by car number, as the book's Flume Kafka sink would with a key header. */
export async function produceLines(bootstrap: string, topic: string, records: Array<{car: string; line: string}>): Promise<void> {
  const producer = await openProducer(topic, {brokers: [bootstrap], acks: 'all'});
  try {
    for (let i = 0; i < records.length; i += 1000) {
      await producer.send(records.slice(i, i + 1000).map((r) => ({key: Buffer.from(r.car), value: Buffer.from(r.line)})));
    }
    await producer.flush();
  } finally {
    await producer.close();
  }
}

/** The book's row key: the 14-digit time reversed, '-', the car number. */
export const bookRowKey = (line: string) => {
  const [date, car] = line.split(',');
  return `${[...date].reverse().join('')}-${car}`;
};

export const BOOK_COLUMNS = ['date', 'car_number', 'speed_pedal', 'break_pedal', 'steer_angle', 'direct_light', 'speed', 'area_number'];
