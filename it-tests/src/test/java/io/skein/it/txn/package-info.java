/** End-to-end tests of transactions: markers, the last stable offset, read_committed consumers. */
package io.skein.it.txn;
