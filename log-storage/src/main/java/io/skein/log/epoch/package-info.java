/**
 * Leader epochs of one partition: the epoch → start offset history ({@link io.skein.log.epoch.LeaderEpochCache})
 * and its {@code leader-epoch-checkpoint} file. Depends on the JDK, slf4j and {@code api.EpochEndOffset}.
 */
package io.skein.log.epoch;
