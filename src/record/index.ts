/** Public surface of the run record (`vmunit/record`): builder, writer, reader, replay and counts. */

export { RecordBuilder, type RunMetaInput } from './builder.js';
export { countsOf, emptyLevelCounts, formatLevelCounts, sumCounts, verdictOf } from './counts.js';
export { EVENTS_FILE, type EventsHeader, RECORD_FILE } from './files.js';
export { parseEventsJsonl, parseRecordJson, readRecord } from './read.js';
export { recordToEvents } from './to-events.js';
export * from './types.js';
export { RecordWriter, type RecordWriterOptions } from './writer.js';
