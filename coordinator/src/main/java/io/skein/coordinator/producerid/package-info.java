/**
 * Producer-id allocation for idempotent and transactional producers: blocks of ids are
 * reserved through the metadata quorum so ids are unique across the cluster and never reused
 * after a restart.
 */
package io.skein.coordinator.producerid;
