package io.skein.log.compaction;

/**
 * What one cleaning of a log did, for its log line and the benchmark.
 *
 * @param bytesRead bytes of the segments rewritten (clean and dirty sections)
 * @param dirtyBytes bytes of the dirty section (read twice: the map, then the rewrite)
 * @param bytesWritten bytes of the cleaned segments
 * @param recordsRead records in the rewritten segments
 * @param recordsRetained records kept
 * @param keysMapped distinct keys in the dirty section
 * @param segmentsBefore segments rewritten
 * @param segmentsAfter cleaned segments swapped in
 * @param mapNanos time of the first pass (building the map)
 * @param totalNanos time of the whole cleaning
 */
public record CleanerStats(long bytesRead, long dirtyBytes, long bytesWritten, long recordsRead,
                           long recordsRetained, long keysMapped, int segmentsBefore, int segmentsAfter,
                           long mapNanos, long totalNanos) {
}
