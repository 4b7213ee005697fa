/**
 * The transaction coordinator's model (issue 8, in progress): the transaction state machine and
 * the record formats of the internal topic {@code __transaction_state}, laid out as Kafka lays
 * them out. Not wired into the broker yet: no transaction API is advertised until the whole path
 * (coordinator, markers, read_committed) works end to end.
 */
package io.skein.coordinator.transaction;
