/**
 * Log compaction ({@code cleanup.policy=compact}): the {@link io.skein.log.compaction.LogCleaner}
 * and its threads, the policy choosing the dirtiest log, the two-pass cleaning algorithm over a
 * disk-backed key → offset map, the writer of cleaned segments and the atomic swap that puts them
 * in place (and completes an interrupted swap on load). Depends on the {@code api}, {@code segment},
 * {@code index} and {@code checkpoint} packages; the partition log exposes itself through
 * {@link io.skein.log.compaction.CleanableLog}.
 */
package io.skein.log.compaction;
